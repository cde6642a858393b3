// Shows: returning error.stack to the caller discloses internals; error-disclosure reads the response for stack
//        traces, code paths and internal error messages (never what the request itself carried).
// Try:   npx vitest run --config test/vitest.config.ts examples/12-apigw-error-disclosure
//        npx eventfuzz fuzz examples/12-apigw-error-disclosure/handler.mjs --source apigw-rest --seed 1 --runs 300
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';

const handler = new URL('./handler.mjs', import.meta.url);
const safe = new URL('./safe.mjs', import.meta.url);

describe('REST endpoint that returns its errors to the caller', () => {
  it('discloses a stack trace and an internal error message', async () => {
    const report = await fuzz({ handler, source: 'apigw-rest', runs: 300, seed: 1 });
    const kinds = new Set([...report.baseline.problems, ...report.findings].filter((f) => f.oracle === 'error-disclosure').map((f) => f.title));
    expect(kinds).toContain('The response body discloses a stack trace');
    expect(kinds).toContain('The response body discloses an internal error message');
  });

  it('the safe twin answers with a request id only: no finding in 5,000 runs', async () => {
    const report = await fuzz({ handler: safe, source: 'apigw-rest', runs: 5000, seed: 1 });
    expect(report.baseline.problems).toEqual([]);
    expect(report.findings).toEqual([]);
  });
});
