import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import JSZip from 'jszip';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { buildLayer } from '../../../src/layer/build.js';
import { createLambdaRunner } from '../../../src/runners/lambda.js';
import { cleanTempDirs, runCli, tempDir } from '../../e2e/helpers.js';
import type { InvokeApiServer } from '../../support/invoke-api-server.js';
import { startInvokeApiServer } from '../../support/invoke-api-server.js';
import type { ExtractedLayer } from '../../support/layer-dir.js';
import { extractLayer } from '../../support/layer-dir.js';
import { isolateAws } from './lambda-helpers.js';

/*
 * Issue 9 point 6, `eventfuzz layer`: the zip is extracted as a layer's /opt, the "deployed" functions of a real
 * Invoke API on 127.0.0.1 load it through NODE_OPTIONS (the runtime loads their handlers as Lambda's Node runtime
 * does), and a remote run gets the probes' observations back in the log tail.
 */
const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/remote/layer/${name}`, import.meta.url));
let server: InvokeApiServer;
let layer: ExtractedLayer;
let restoreAws: () => void;

beforeAll(async () => {
  restoreAws = isolateAws();
  layer = await extractLayer();
  const withLayer = { NODE_OPTIONS: layer.nodeOptions };
  server = await startInvokeApiServer({
    functions: {
      'thumbs-staging': { file: fixture('blind-thumbnail.mjs'), environment: withLayer },
      'thumbs-safe-staging': { file: fixture('blind-thumbnail-safe.mjs'), environment: withLayer },
      'thumbs-bare-staging': { file: fixture('blind-thumbnail.mjs') },
      'greet-staging': { file: fixture('echo-name.mjs'), environment: withLayer },
      'batch-staging': { file: fixture('exits-after-sink.mjs'), environment: withLayer },
      'reports-staging': { file: fixture('cjs-getters/index.js'), environment: withLayer },
    },
  });
});
afterAll(async () => {
  cleanTempDirs();
  await server?.close();
  layer?.remove();
  restoreAws?.();
});

const remote = (functionName: string, extra: Parameters<typeof fuzz>[0] = {}) =>
  fuzz({ function: functionName, endpoint: server.url, source: 's3', seed: 5, runs: 300, rate: 5_000, concurrency: 4, maxInvocations: 5_000, ...extra });

describe('eventfuzz layer: the zip', () => {
  it('holds self-contained bundles at the paths the probes expect, and the same version builds the same bytes', async () => {
    const [first, second] = [await buildLayer(), await buildLayer()];
    expect(Buffer.from(first.zip).equals(Buffer.from(second.zip))).toBe(true);
    const zip = await JSZip.loadAsync(first.zip);
    const paths = Object.keys(zip.files).filter((path) => !zip.files[path]!.dir);
    expect(paths.sort()).toEqual([
      'eventfuzz/README.txt',
      'eventfuzz/loader.mjs',
      'eventfuzz/probes/child-node/bootstrap.mjs',
      'eventfuzz/probes/direct-eval/hooks.mjs',
      'eventfuzz/probes/handler-hooks.mjs',
      'eventfuzz/probes/loader.mjs',
      'eventfuzz/probes/sub-worker/bootstrap.mjs',
    ]);
    // A function has none of eventfuzz's dependencies: every import a bundle makes is one of Node's own.
    for (const path of paths.filter((p) => p.endsWith('.mjs'))) {
      const text = await zip.files[path]!.async('string');
      const specifiers = [...text.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
      expect(specifiers.filter((s) => s !== undefined && !s.startsWith('node:') && !s.startsWith('./')), path).toEqual([]);
    }
  });

  it('is written by `eventfuzz layer` with how to attach it; an unwritable place is a clear error and leaves no partial file', async () => {
    const dir = tempDir('efz-layer-cli-');
    const ok = await runCli(['layer', '--out', join(dir, 'probes.zip')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('NODE_OPTIONS=--import /opt/eventfuzz/loader.mjs');
    expect(Object.keys((await JSZip.loadAsync(await readFile(join(dir, 'probes.zip')))).files)).toContain('eventfuzz/probes/loader.mjs');
    const bad = await runCli(['layer', '--out', join(dir, 'missing', 'probes.zip')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^eventfuzz: Cannot write the layer to .*missing\/probes\.zip: ENOENT\n$/);
    expect(readdirSync(dir)).toEqual(['probes.zip']);
  });
});

describe('eventfuzz layer: in the function', () => {
  it("leaves an invocation without eventfuzz's client context alone: token-like text runs, nothing is written to the log", async () => {
    const client = new LambdaClient({ endpoint: server.url, region: 'us-east-1', maxAttempts: 1 });
    try {
      const answer = await client.send(new InvokeCommand({ FunctionName: 'greet-staging', LogType: 'Tail', Payload: JSON.stringify({ name: 'efzabcdefghijkl' }) }));
      expect(JSON.parse(new TextDecoder().decode(answer.Payload))).toEqual({ greeting: 'hello efzabcdefghijkl' });
      expect(Buffer.from(answer.LogResult ?? '', 'base64').toString('utf8')).not.toContain('EVENTFUZZ');
    } finally {
      client.destroy();
    }
  });

  it('confirms a blind command injection that responses and logs never show; the fixed twin shows nothing', async () => {
    const report = await remote('thumbs-staging');
    expect(report.findings).toEqual([expect.objectContaining({ oracle: 'command-injection', confidence: 'confirmed' })]);
    expect(report.findings[0]?.evidence).toContain('eventfuzz blocked');
    expect(report.findings[0]?.injectionPoint).toContain('s3.object.key');
    expect((await remote('thumbs-safe-staging')).findings).toEqual([]);
    // Without the layer: nothing from responses and logs; timing (sleep payloads that really ran) can only suggest it.
    expect((await remote('thumbs-bare-staging', { timing: false })).findings).toEqual([]);
    expect((await remote('thumbs-bare-staging', { timing: { doses: [0.2, 0.4, 0.8] } })).findings).toEqual([expect.objectContaining({ oracle: 'command-injection', confidence: 'tainted' })]);
  });

  it('with --allow-exec, lets the payload run inside the function and shows the canary program ran there', async () => {
    const report = await remote('thumbs-staging', { allowExec: true, categories: ['command-injection'] });
    const finding = report.findings.find((f) => f.oracle === 'command-injection');
    expect(finding?.confidence).toBe('confirmed');
    expect(finding?.evidence).toMatch(/canary program/i);
  });

  it('gets the effect back when the runtime dies right after the sink (streamed before the exit)', async () => {
    const runner = createLambdaRunner({ functionName: 'batch-staging', endpoint: server.url, region: 'us-east-1', timeoutMs: 10_000, concurrency: 1 });
    await runner.start();
    try {
      const observation = await runner.invoke({ caseId: 'exit-1', event: { Records: [{ body: 'a;efzq1w2e3r4t5y6' }] } });
      expect(observation.outcome.kind).toBe('crashed');
      expect(observation.effects).toEqual([expect.objectContaining({ kind: 'process', blocked: true, script: expect.stringContaining('efzq1w2e3r4t5y6') as unknown })]);
      expect(observation.logs.join('\n')).not.toContain('EVENTFUZZ');
    } finally {
      await runner.close();
    }
  });

  it("wraps a CommonJS handler whose exports are esbuild's read-only getters, and finds its path traversal", async () => {
    const report = await remote('reports-staging', { categories: ['path-traversal'] });
    expect(report.findings.map((f) => f.oracle)).toContain('path-traversal');
    expect(existsSync(fixture('cjs-getters/templates/invoice.html'))).toBe(true);
  });
});
