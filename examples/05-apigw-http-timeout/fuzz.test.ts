// Shows: an HTTP API handler that validates query values with a catastrophically backtracking regex is
//        caught by the timeout oracle (flagged as possible ReDoS, since a redos payload caused it), while the
//        twin with a linear regex and a length cap is not reported. A regex hangs synchronously, which only the
//        isolated runner can stop: it runs the handler in a worker thread and replaces the worker on timeout.
//        Every hang costs the whole deadline, so the test stops the campaign at the first ReDoS finding
//        (listener + AbortSignal) instead of shrinking it and exploring further.
// Try:   npx vitest run --config test/vitest.config.ts examples/05-apigw-http-timeout
//        npx eventfuzz fuzz examples/05-apigw-http-timeout/handler.mjs --source apigw-http --seed 1 --runs 300 \
//          --timeout 300 --category redos
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';
import { describeFindings } from 'eventfuzz/vitest';

// A short deadline keeps each hang cheap; the redos payloads hang a vulnerable regex for seconds.
const budget = { runner: 'isolated', workers: 1, timeoutMs: 300 } as const;

describe('HTTP API handler that validates query values with /^([\\w-]+\\s?)*$/', () => {
  it('reports a timeout on a regex payload (possible ReDoS) in a query parameter', async () => {
    const stop = new AbortController();
    const report = await fuzz({
      handler: new URL('./handler.mjs', import.meta.url),
      source: 'apigw-http',
      seed: 1,
      runs: 300,
      categories: ['redos'],
      ...budget,
      listener: { onFinding: (finding) => finding.oracle === 'timeout' && stop.abort() },
      signal: stop.signal,
    });

    const timeouts = report.findings.filter((f) => f.oracle === 'timeout');
    expect(timeouts.map((f) => [f.title, f.injectionPoint])).toContainEqual([
      'Handler timed out on a regex payload: possible ReDoS',
      'queryStringParameters[*]',
    ]);
    expect(timeouts[0]!.payloadId).toMatch(/^redos-/);
    expect(timeouts[0]!.evidence).toMatch(/^no result within 300 ms/);
  });

  it('reports nothing for the linear twin, with every payload category', async () => {
    const report = await fuzz({ handler: new URL('./safe.mjs', import.meta.url), source: 'apigw-http', seed: 1, runs: 1000, ...budget });

    expect(report.interrupted).toBe(false);
    expect(describeFindings(report)).toEqual([]);
  });
});
