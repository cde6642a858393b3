import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fuzz } from '../../../src/api/fuzz.js';
import { replay } from '../../../src/api/replay.js';
import type { RemoteTargetOptions } from '../../../src/api/remote-target.js';
import { startRemoteTarget } from '../../../src/api/remote-target.js';
import { isHarnessError } from '../../../src/core/index.js';
import type { InvokeApiServer } from '../../support/invoke-api-server.js';
import { startInvokeApiServer } from '../../support/invoke-api-server.js';
import { fileURLToPath } from 'node:url';
import { cleanTempDirs, runCli, tempDir } from '../../e2e/helpers.js';
import type { ExtractedLayer } from '../../support/layer-dir.js';
import { extractLayer } from '../../support/layer-dir.js';
import { fixture, isolateAws } from './lambda-helpers.js';

/*
 * Issue 9, point 1: `--logs cloudwatch` reads each invocation's full log from CloudWatch Logs (FilterLogEvents on
 * the same local port as the Invoke API, logs arriving a second late), where the Invoke tail holds only the last
 * 4 KB. A secret logged early in a long log is only in the full log; many invocations share few polls; a log
 * that never arrives falls back to the tail with a notice; a denied action or a missing log group stops the run
 * before any invocation.
 */
const layerFixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/remote/layer/${name}`, import.meta.url));
const DB_PASSWORD = 'efz-cwlogs-db-pass-5h2k8m3w';
const LEAK_LINE = `password=${DB_PASSWORD}`;
let server: InvokeApiServer;
let restoreAws: () => void;

beforeAll(async () => {
  restoreAws = isolateAws({ EFZ_TEST_DB_PASSWORD: DB_PASSWORD });
  const leaky = { file: fixture('logs-secret-early.mjs'), environment: { DB_PASSWORD } };
  server = await startInvokeApiServer({
    functions: {
      'billing-staging': leaky,
      'billing-replay-staging': leaky,
      'billing-streams-staging': { file: fixture('logs-stream-early-secret.mjs'), environment: { DB_PASSWORD } },
      'billing-custom-staging': { ...leaky, logGroup: '/custom/billing' },
      'billing-denied-staging': { ...leaky, deniedActions: ['logs:FilterLogEvents'] },
      'billing-nogroup-staging': { ...leaky, logGroupExists: false },
      'billing-late-staging': leaky,
      'billing-unconfigured-staging': { ...leaky, deniedActions: ['lambda:GetFunctionConfiguration'] },
    },
    // Logs become visible a second after they are written: the reader has to poll.
    logs: { ingestionDelayMs: 1_000 },
  });
});
afterAll(async () => {
  cleanTempDirs();
  await server?.close();
  restoreAws?.();
});

async function target(functionName: string, logs: 'tail' | 'cloudwatch', extra: { logsWaitMs?: number; notice?: (line: string) => void } = {}) {
  const options: RemoteTargetOptions = {
    lambda: { functionName, endpoint: server.url, logs, logsWaitMs: extra.logsWaitMs ?? 10_000 },
    caps: { maxInvocations: 500, ratePerSecond: 500, concurrency: 4 },
    timeoutMs: 10_000,
    allowProduction: false,
    secretEnv: [],
    learnSecrets: false,
    notice: extra.notice ?? (() => undefined),
  };
  return startRemoteTarget(logs === 'tail' ? { ...options, lambda: { functionName, endpoint: server.url } } : options);
}

const callsFor = (group: string): number => server.logs.filterRequests.filter((r) => r['logGroupName'] === group).length;

describe('--logs cloudwatch against the local Invoke + CloudWatch Logs API', () => {
  it('a secret logged early in a log over 4 KB is in the observation with --logs cloudwatch, and not in the tail', async () => {
    const tail = await target('billing-staging', 'tail');
    const fromTail = await tail.runner.invoke({ caseId: 'tail', event: {} });
    await tail.runner.close();
    expect(fromTail.logs.join('\n').length).toBeLessThanOrEqual(4096);
    expect(fromTail.logs.some((line) => line.includes(LEAK_LINE))).toBe(false);
    expect(callsFor('/aws/lambda/billing-staging')).toBe(0);

    server.logs.configure({ pageSize: 50 });
    const full = await target('billing-staging', 'cloudwatch');
    const fromLogs = await full.runner.invoke({ caseId: 'full', event: {} }).finally(() => server.logs.configure({ pageSize: 10_000 }));
    await full.runner.close();
    expect(fromLogs.outcome).toEqual(fromTail.outcome);
    expect(fromLogs.logs.some((line) => line.includes(LEAK_LINE))).toBe(true);
    expect(fromLogs.logs[0]).toMatch(/^START RequestId: \S+ Version: \$LATEST$/);
    expect(fromLogs.logs.filter((line) => line.includes('\tINFO\tfiller line '))).toHaveLength(120);
    expect(fromLogs.logs.at(-1)).toMatch(/^REPORT RequestId: /);
    // 123 records, 50 a page: the reader followed nextToken.
    expect(server.logs.filterRequests.some((r) => r['logGroupName'] === '/aws/lambda/billing-staging' && typeof r['nextToken'] === 'string')).toBe(true);
  }, 30_000);

  it('batches: 24 invocations in flight together need far fewer than 24 FilterLogEvents calls', async () => {
    const group = '/aws/lambda/billing-streams-staging';
    const { runner } = await target('billing-streams-staging', 'cloudwatch');
    const before = callsFor(group);
    const observations = await Promise.all(Array.from({ length: 24 }, (_, i) => runner.invoke({ caseId: `c${i}`, event: {} })));
    await runner.close();
    for (const o of observations) expect(o.logs.some((line) => line.includes(LEAK_LINE)), o.logs.slice(0, 3).join('\n')).toBe(true);
    // Each observation holds its own invocation's log only.
    for (const o of observations) expect(new Set(o.logs.map((line) => /RequestId: (\S+)/.exec(line)?.[1]).filter(Boolean)).size).toBe(1);
    const polls = server.logs.filterRequests.slice(-(callsFor(group) - before));
    // About one poll a second for a run of a few seconds (pages included), against one per invocation.
    expect(polls.length).toBeLessThanOrEqual(12);
    expect(Math.max(...polls.map((r) => String(r['filterPattern']).split('?"').length - 1))).toBeGreaterThan(1);
    // The tails named the log streams, and the reader narrowed its search to them.
    expect(polls.every((r) => Array.isArray(r['logStreamNames']) && (r['logStreamNames'] as unknown[]).length > 0)).toBe(true);
  }, 60_000);

  it('a full ARN, configuration unreadable: the default log group is named after the function, asked in the ARN\'s region', async () => {
    const before = server.logs.filterCalls;
    const { runner } = await target(`arn:aws:lambda:eu-west-1:${server.accountId}:function:billing-unconfigured-staging:$LATEST`, 'cloudwatch');
    const observation = await runner.invoke({ caseId: 'arn', event: {} });
    await runner.close();
    expect(observation.logs.some((line) => line.includes(LEAK_LINE))).toBe(true);
    expect(server.requests.at(-1)?.signingRegion).toBe('eu-west-1');
    expect(server.logs.filterRequests.slice(before).every((r) => r['logGroupName'] === '/aws/lambda/billing-unconfigured-staging')).toBe(true);
    expect(new Set(server.logs.signingRegions.slice(before))).toEqual(new Set(['eu-west-1']));
  }, 30_000);

  it('reads a custom log group from the function configuration (LoggingConfig.LogGroup)', async () => {
    const { runner } = await target('billing-custom-staging', 'cloudwatch');
    const observation = await runner.invoke({ caseId: 'custom', event: {} });
    await runner.close();
    expect(observation.logs.some((line) => line.includes(LEAK_LINE))).toBe(true);
    expect(callsFor('/custom/billing')).toBeGreaterThan(0);
    expect(callsFor('/aws/lambda/billing-custom-staging')).toBe(0);
  }, 30_000);

  it('a log that does not arrive in time falls back to the tail, and a notice says so', async () => {
    server.logs.configure({ ingestionDelayMs: 600_000 });
    try {
      const notices: string[] = [];
      const { runner } = await target('billing-late-staging', 'cloudwatch', { logsWaitMs: 1_500, notice: (line) => notices.push(line) });
      const observations = [await runner.invoke({ caseId: 'late-1', event: {} }), await runner.invoke({ caseId: 'late-2', event: {} })];
      await runner.close();
      for (const o of observations) {
        expect(o.logs.at(-1)).toMatch(/^REPORT RequestId: /);
        expect(o.logs.some((line) => line.includes(LEAK_LINE))).toBe(false);
      }
      const fallback = notices.filter((line) => /did not arrive within 1500 ms/.test(line));
      expect(fallback).toHaveLength(1);
      expect(fallback[0]).toMatch(/judged on the lines that arrived and the 4 KB log tail/);
      expect(notices.at(-1)).toBe('eventfuzz: --logs cloudwatch: 2 of 2 invocations were judged on a partial log (what arrived in time and the 4 KB tail).');
    } finally {
      server.logs.configure({ ingestionDelayMs: 1_000 });
    }
  }, 30_000);

  it('throttled FilterLogEvents calls slow the reader down and are never an outcome', async () => {
    // The probe takes the first (a throttled probe passes), the reader's first polls the rest: it waits 2 s, then 4 s.
    server.logs.configure({ throttleNext: 3 });
    try {
      const { runner } = await target('billing-staging', 'cloudwatch', { logsWaitMs: 30_000 });
      const observation = await runner.invoke({ caseId: 'throttled', event: {} });
      await runner.close();
      expect(observation.outcome.kind).toBe('returned');
      expect(observation.logs.some((line) => line.includes(LEAK_LINE))).toBe(true);
    } finally {
      server.logs.configure({ throttleNext: 0 });
    }
  }, 30_000);

  it.each([
    ['billing-denied-staging', 'EFZ_REMOTE_ACCESS_DENIED', /not allowed to call logs:FilterLogEvents on log group \/aws\/lambda\/billing-denied-staging: the caller's IAM identity needs logs:FilterLogEvents/],
    ['billing-nogroup-staging', 'EFZ_REMOTE_NOT_FOUND', /log group \/aws\/lambda\/billing-nogroup-staging does not exist/],
  ])('%s: a HarnessError before any invocation', async (name, code, message) => {
    const error = await target(name, 'cloudwatch').catch((e: unknown) => e);
    expect(isHarnessError(error) && error.code).toBe(code);
    expect((error as Error).message).toMatch(message);
    expect(server.invocations(name)).toBe(0);
  });
});

describe('fuzz() and replay with logs: cloudwatch', () => {
  const remote = (functionName: string, extra: Parameters<typeof fuzz>[0] = {}) =>
    fuzz({ function: functionName, endpoint: server.url, source: 'sqs', seed: 3, runs: 3, rate: 500, categories: ['boundary'], secretEnv: ['EFZ_TEST_DB_PASSWORD'], ...extra });

  it('finds the early secret end to end with logs: cloudwatch, misses it with the tail; replay honours --logs', async () => {
    const corpusDir = tempDir('efz-cwlogs-');
    const full = await remote('billing-replay-staging', { logs: 'cloudwatch', corpusDir });
    expect(full.baseline.problems.map((p) => p.oracle)).toContain('secret-leak');
    expect(JSON.stringify(full)).not.toContain(DB_PASSWORD);
    const tail = await remote('billing-replay-staging');
    expect([...tail.baseline.problems, ...tail.findings].map((f) => f.oracle)).not.toContain('secret-leak');

    const corpus = join(corpusDir);
    const again = await replay({ paths: [corpus], remote: { endpoint: server.url, rate: 500, secretEnv: ['EFZ_TEST_DB_PASSWORD'], logs: 'cloudwatch' } });
    expect(again.some((o) => o.kind === 'finding' && o.entry.finding.oracle === 'secret-leak' && o.reproduces)).toBe(true);
    const onTail = await replay({ paths: [corpus], remote: { endpoint: server.url, rate: 500, secretEnv: ['EFZ_TEST_DB_PASSWORD'] } });
    expect(onTail.filter((o) => o.kind === 'finding' && o.entry.finding.oracle === 'secret-leak').every((o) => !o.reproduces)).toBe(true);
  }, 90_000);

  it.each([
    [{ logs: 'cloudwatch' as const, url: 'http://127.0.0.1:9/', function: undefined, source: 'apigw-http' as const }, /apply to a deployed Lambda function \(--function\) only, not to --url/],
    [{ logs: 'cloudwatch' as const, function: undefined, handler: 'x.mjs' }, /apply to a deployed Lambda function \(--function\) only, not to a local handler/],
    [{ logsWaitMs: 1000 }, /--logs-wait is how long --logs cloudwatch waits/],
    [{ logs: 'cloudwatch' as const, logsWaitMs: 0 }, /`logsWaitMs` must be a whole number/],
    [{ logs: 'cw' as unknown as 'tail' }, /`logs` must be "tail" or "cloudwatch"/],
  ])('fuzz() refuses %j', async (options, message) => {
    const error = await remote('billing-staging', options).catch((e: unknown) => e);
    expect(isHarnessError(error) && error.code).toBe('EFZ_USAGE');
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [['fuzz', '--url', 'http://127.0.0.1:9/', '--logs', 'cloudwatch'], /--logs applies to --function only, not to --url/],
    [['fuzz', 'handler.mjs', '--source', 'sqs', '--logs', 'cloudwatch', '--logs-wait', '500'], /--logs, --logs-wait applies to a deployed function \(--function\) only, not to a local handler/],
    [['fuzz', '--function', 'billing-staging', '--source', 'sqs', '--logs', 'everything'], /--logs.*Allowed choices are tail, cloudwatch/],
    [['fuzz', '--function', 'billing-staging', '--source', 'sqs', '--logs-wait', '500'], /--logs-wait is how long --logs cloudwatch waits/],
  ])('the CLI: a usage error, exit 2 (%j)', async (argv, message) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('the CLI: eventfuzz fuzz --function --logs cloudwatch finds the early secret (exit 1)', async () => {
    const dir = tempDir('efz-cwlogs-cli-');
    const argv = ['fuzz', '--function', 'billing-staging', '--endpoint', server.url, '--source', 'sqs', '--runs', '2', '--seed', '1', '--rate', '500', '--category', 'boundary'];
    const result = await runCli([...argv, '--secret-env', 'EFZ_TEST_DB_PASSWORD', '--logs', 'cloudwatch', '--logs-wait', '8000', '--corpus', join(dir, 'corpus')]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^eventfuzz: --logs cloudwatch: reading each invocation's full log from \/aws\/lambda\/billing-staging \(waiting up to 8000 ms/m);
  }, 60_000);
});

describe('--logs cloudwatch with eventfuzz layer attached', () => {
  let layered: InvokeApiServer;
  let layer: ExtractedLayer;
  beforeAll(async () => {
    layer = await extractLayer();
    layered = await startInvokeApiServer({ functions: { 'greet-staging': { file: layerFixture('echo-name.mjs'), environment: { NODE_OPTIONS: layer.nodeOptions } } } });
  }, 60_000);
  afterAll(async () => {
    await layered?.close();
    layer?.remove();
  });

  it("reads the layer's effects out of the full log and keeps its lines from the logs the oracles judge, as with the tail", async () => {
    const start = (logs: 'tail' | 'cloudwatch') =>
      startRemoteTarget({
        lambda: { functionName: 'greet-staging', endpoint: layered.url, logs: logs === 'tail' ? undefined : logs },
        caps: { maxInvocations: 10, ratePerSecond: 500, concurrency: 1 },
        timeoutMs: 10_000,
        allowProduction: false,
        secretEnv: [],
        learnSecrets: false,
        notice: () => undefined,
      });
    const results = [];
    for (const logs of ['tail', 'cloudwatch'] as const) {
      const { runner } = await start(logs);
      results.push(await runner.invoke({ caseId: logs, event: { name: 'world' } }));
      await runner.close();
    }
    const [tail, full] = results;
    expect(tail!.effects?.length).toBeGreaterThan(0);
    expect(full!.effects?.map((e) => e.kind)).toEqual(tail!.effects?.map((e) => e.kind));
    expect(full!.logs.some((line) => line.includes('EVENTFUZZ-EFFECT'))).toBe(false);
    expect(full!.logs[0]).toMatch(/^START RequestId: /);
  }, 60_000);
});
