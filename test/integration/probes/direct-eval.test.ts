import type { Runner } from '../../../src/runners/types.js';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { startLocalTarget } from '../../../src/api/local-target.js';
import { restSampleWithBody } from '../../helpers/event-fixtures.js';

// Issue 7 point 6: the argument of a direct eval is instrumented at load time (the call stays direct), so a token
// reaching eval is at least tainted, and confirmed when the canary function runs, in ESM, CommonJS and TypeScript
// handlers and in both runners.
const here = (file: string): string => fileURLToPath(new URL(`../../fixtures/direct-eval/${file}`, import.meta.url));
const run = (runner: 'in-process' | 'isolated', file: string, body: unknown) =>
  fuzz({ handler: here(file), samples: [restSampleWithBody(body)], categories: ['code-injection'], runs: 300, seed: 5, runner, workers: 1 });
const start = (runner: 'in-process' | 'isolated', file: string): Promise<{ runner: Runner }> =>
  startLocalTarget({ file: here(file), exportName: 'handler', seed: 7, timeoutMs: 2_000, memoryLimitMb: 128, functionName: 'eval-fn', allowExec: false, runner, workers: 1 });

describe.each(['in-process', 'isolated'] as const)('direct eval under the %s runner', (kind) => {
  const open: Runner[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((runner) => runner.close()));
  });

  it.each(['vuln-eval.mjs', 'vuln-eval.cjs', 'vuln-eval.ts'])('%s: the rewritten eval still sees local variables', async (file) => {
    const { runner } = await start(kind, file);
    open.push(runner);
    const record = await runner.invoke({ caseId: 'case-1', event: { body: '{}' } });
    expect(record.outcome).toMatchObject({ kind: 'returned', value: { statusCode: 200 } });
    expect(JSON.parse((record.outcome as { value: { body: string } }).value.body)).toMatchObject({ max: 10 });
  });

  it.each(['vuln-eval.mjs', 'vuln-eval.cjs', 'vuln-eval.ts'])('%s: a confirmed code injection via eval, at the eval call site', async (file) => {
    const report = await run(kind, file, { expr: '{"max": 3}' });
    // CommonJS also reaches Function: in its eval, `this.constructor.constructor` (code-vm-escape) is Function.
    const injections = report.findings.filter((f) => f.oracle === 'code-injection' && f.title === 'Code injection via eval');
    expect(injections.map((f) => f.confidence)).toEqual(['confirmed']);
    expect(injections[0]?.evidence).toMatch(new RegExp(`call site: test/fixtures/direct-eval/${file.replace('.', '\\.')}:\\d+:\\d+`));
  });

  it('literal-eval.mjs: a token that reaches eval only inside a string literal is tainted, not confirmed', async () => {
    const report = await run(kind, 'literal-eval.mjs', { name: 'ada' });
    expect(report.findings.map((f) => `${f.oracle} ${f.confidence} ${f.title}`)).toEqual(['code-injection tainted Payload reaches eval as code']);
  });

  it('safe-eval.mjs (eval of a constant that reads a local) reports nothing and still works', async () => {
    const report = await run(kind, 'safe-eval.mjs', { name: 'ada' });
    expect(report.findings.map((f) => `${f.oracle}: ${f.title}`)).toEqual([]);
    const { runner } = await start(kind, 'safe-eval.mjs');
    open.push(runner);
    const record = await runner.invoke({ caseId: 'case-1', event: { body: 'x' } });
    expect(record.outcome).toEqual({ kind: 'returned', value: { statusCode: 200, body: JSON.stringify({ answer: 42, size: 1 }) } });
  });
});
