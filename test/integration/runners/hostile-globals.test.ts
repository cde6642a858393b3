import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

/*
 * Issue 8, point 4: the harness inside the handler's realm uses globals captured before the handler loads. A
 * handler that replaces Array.prototype.push, globalThis.Promise or deletes process.on at import made every
 * invocation time out (or aborted the run); its command injection must still be found, with no timeouts. Isolated
 * only: in-process the handler shares the test runner's realm, which such a handler breaks (README: use the
 * isolated runner for hostile code).
 */
const handler = fileURLToPath(new URL('../../fixtures/hostile/replaces-globals.mjs', import.meta.url));

describe('a handler that replaces globals at import cannot stall the harness', () => {
  it.each([
    ['array-push', 'isolated'],
    ['promise', 'isolated'],
    ['process-on', 'isolated'],
  ] as const)('%s (%s)', async (replace, runner) => {
    const report = await fuzz({ handler, source: 'sqs', runs: 30, seed: 1, runner, timeoutMs: 2_000, env: { REPLACE: replace } });
    expect(report.baseline.problems).toEqual([]);
    expect(report.findings.map((f) => `${f.oracle} ${f.confidence}`)).toContain('command-injection confirmed');
    expect(report.findings.filter((f) => f.oracle === 'timeout')).toEqual([]);
  });
});
