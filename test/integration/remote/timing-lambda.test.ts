import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { fuzz } from '../../../src/api/fuzz.js';
import type { InvokeApiServer } from '../../support/invoke-api-server.js';
import { startInvokeApiServer } from '../../support/invoke-api-server.js';
import { isolateAws } from './lambda-helpers.js';

/*
 * The timing check against a deployed function (the local Invoke API running the handler in a child process):
 * a blind SQS consumer whose shell output never reaches the log tail gives a tainted timing finding, measured
 * with the handler's own REPORT Duration; the campaign's marker never came back, so nothing is confirmed.
 */
let server: InvokeApiServer;
let restoreAws: () => void;

beforeAll(async () => {
  restoreAws = isolateAws({});
  server = await startInvokeApiServer({
    functions: { 'queue-blind-staging': { file: fileURLToPath(new URL('../../fixtures/remote/timing/sqs-blind.mjs', import.meta.url)), timeoutS: 5, memoryMb: 256 } },
  });
});
afterAll(async () => {
  await server?.close();
  restoreAws?.();
});

describe('fuzz --function: timing checks', () => {
  it('a blind command injection in an SQS consumer: tainted, with the table of REPORT durations', async () => {
    const report = await fuzz({
      function: 'queue-blind-staging',
      endpoint: server.url,
      source: 'sqs',
      seed: 5,
      rate: 500,
      concurrency: 4,
      runs: 30,
      categories: ['command-injection'],
      timing: { doses: [0.3, 0.6, 1.2], repeats: 3 },
    });
    const found = report.findings.filter((f) => f.oracle === 'command-injection');
    expect(found.length, JSON.stringify(report.findings.map((f) => f.title))).toBeGreaterThan(0);
    expect(found.every((f) => f.confidence === 'tainted' && /^Records\[(\*|\d+)\]\.body/.test(f.injectionPoint ?? ''))).toBe(true);
    expect(found[0]!.evidence).toMatch(/^ {2}sleep {2}1\.2 s: median +1\d{3} ms/m);
    expect(server.invocations('queue-blind-staging')).toBeLessThanOrEqual(500);
  }, 90_000);
});
