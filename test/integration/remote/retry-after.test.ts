// Retry-After end to end: the HTTP runner reads it off a real server's 429 / 503, the guard waits it out (arrival
// times counted on the server side, lower bounds only, with wide margins), and a throttle is never a finding.
import type { OutgoingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { builtinOracles, judge } from '../../../src/oracles/index.js';
import { createHttpRunner } from '../../../src/runners/http.js';
import { guardRemoteRunner, THROTTLING_ERROR } from '../../../src/runners/remote-guard.js';
import { fuzzCase, oracleContext } from '../../helpers/observation.js';

type Answer = { readonly status: number; readonly headers?: OutgoingHttpHeaders; readonly body?: string };

/** Answers request n with `script(n)` (1-based) and records, server side, when each request arrived. */
async function startServer(script: (n: number) => Answer) {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    const answer = script(arrivals.length);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '{"message":"Too Many Requests"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { arrivals, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/staging` };
}
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const get = { httpMethod: 'GET', path: '/x', headers: {}, multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null, body: null, isBase64Encoded: false };
const ok: Answer = { status: 200, body: '{"ok":true}' };

function guarded(url: string) {
  const runner = createHttpRunner({ url, source: 'apigw-rest', timeoutMs: 5000, concurrency: 1 });
  // random 0: the guard's own backoff would retry at once; any wait seen is the server's Retry-After.
  const guard = guardRemoteRunner(runner, { maxInvocations: 10, ratePerSecond: 1000, concurrency: 1 }, { random: () => 0 });
  cleanups.push(() => guard.close());
  return guard;
}

describe('Retry-After', () => {
  it('the HTTP runner carries it as retryAfterMs on the throttle: seconds on a 429, an HTTP-date on a 503', async () => {
    const base = Date.now();
    const { url } = await startServer((n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '3' } }
      : n === 2 ? { status: 503, headers: { date: new Date(base).toUTCString(), 'retry-after': new Date(base + 7000).toUTCString() } }
      : { status: 503, body: '{"message":"Service Unavailable"}' });
    const runner = createHttpRunner({ url, source: 'apigw-rest', timeoutMs: 5000, concurrency: 1 });
    cleanups.push(() => runner.close());
    const seconds = await runner.invoke({ caseId: 'c1', event: get });
    const date = await runner.invoke({ caseId: 'c2', event: get });
    const plain503 = await runner.invoke({ caseId: 'c3', event: get });
    expect(seconds.outcome).toMatchObject({ kind: 'transport-error', error: { name: THROTTLING_ERROR, code: '429' }, retryAfterMs: 3000 });
    expect(date.outcome).toMatchObject({ kind: 'transport-error', error: { name: THROTTLING_ERROR, code: '503' }, retryAfterMs: 7000 });
    // A 503 that does not ask to wait is the handler's answer, judged like any other.
    expect(plain503.outcome).toMatchObject({ kind: 'returned', value: { statusCode: 503 } });
    for (const observation of [seconds, date]) expect(judge(observation, builtinOracles, oracleContext())).toEqual([]);
  });

  it.each([
    ['429, Retry-After: 1', (): Answer => ({ status: 429, headers: { 'retry-after': '1' } })],
    ['503, Retry-After: an HTTP-date 1 s after its Date', (): Answer => {
      const now = Date.now();
      return { status: 503, headers: { date: new Date(now).toUTCString(), 'retry-after': new Date(now + 1000).toUTCString() }, body: '{"message":"Service Unavailable"}' };
    }],
  ])('%s: the guard sends the retry no sooner than asked, and the answer after it is what comes back', async (_label, throttle) => {
    const { arrivals, url } = await startServer((n) => (n === 1 ? throttle() : ok));
    const guard = guarded(url);
    const observation = await guard.invoke({ caseId: 'c1', event: get });
    expect(observation.outcome).toMatchObject({ kind: 'returned', value: { statusCode: 200 } });
    expect(arrivals).toHaveLength(2);
    // Asked for 1000 ms; a wide margin below it for timer and clock granularity, none needed above.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(900);
    expect(guard.throttled).toBe(1);
  });

  it('a throttle the guard gives up on is returned as a transport error, which no oracle reports', async () => {
    const { arrivals, url } = await startServer(() => ({ status: 429, headers: { 'retry-after': '0' } }));
    const guard = guarded(url);
    const observation = await guard.invoke({ caseId: 'c1', event: get });
    expect(observation.outcome).toMatchObject({ kind: 'transport-error', error: { name: THROTTLING_ERROR }, retryAfterMs: 0 });
    expect(arrivals.length).toBeGreaterThan(1);
    expect(judge(observation, builtinOracles, oracleContext({ case: fuzzCase() }))).toEqual([]);
  });

  it.each([
    ['its time budget (durationMs)', { durationMs: 500 }],
    ['its abort (Ctrl-C)', { signal: AbortSignal.timeout(500) }],
  ] as const)("a fuzz --url run is not held past %s by a target that asks for a minute's wait each time", async (_label, stop) => {
    const { arrivals, url } = await startServer(() => ({ status: 429, headers: { 'retry-after': '60' } }));
    const started = performance.now();
    const report = await fuzz({ url, source: 'apigw-rest', seed: 5, rate: 1000, concurrency: 1, maxInvocations: 50, runs: 1_000_000, ...stop });
    // Waiting out the minute even once would take 60 s (past the test's own timeout): the bound is wide on purpose.
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(arrivals.length).toBeGreaterThan(0);
    expect(report.findings).toEqual([]);
  });
});
