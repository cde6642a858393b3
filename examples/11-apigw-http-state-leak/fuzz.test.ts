// Shows: module-level state in a warm container hands one caller's data to the next; state-leak catches it by
//        finding an earlier invocation's canary in a later response.
// Try:   npx vitest run --config test/vitest.config.ts examples/11-apigw-http-state-leak
//        npx eventfuzz fuzz examples/11-apigw-http-state-leak/handler.mjs --source apigw-http --seed 1 --runs 300
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';

const handler = new URL('./handler.mjs', import.meta.url);
const safe = new URL('./safe.mjs', import.meta.url);

describe('HTTP API search that keeps recent searches in module scope', () => {
  it('leaks earlier callers searches into later responses', async () => {
    const report = await fuzz({ handler, source: 'apigw-http', runs: 300, seed: 1 });
    const leaks = report.findings.filter((f) => f.oracle === 'state-leak');
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ confidence: 'confirmed', severity: 'high' });
    expect(leaks[0]?.evidence).toMatch(/canary of the invocation \d+ before this one on the same warm instance/);
  });

  it('the safe twin keeps nothing between invocations: no finding in 5,000 runs', async () => {
    const report = await fuzz({ handler: safe, source: 'apigw-http', runs: 5000, seed: 1 });
    expect(report.baseline.problems).toEqual([]);
    expect(report.findings).toEqual([]);
  });
});
