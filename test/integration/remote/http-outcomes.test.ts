// What the HTTP runner reports for what a real endpoint does: crash, timeout (gateway's and our own), throttling,
// connection failure, redirects, repeated headers, large and binary bodies, and the pool bound.
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApigwMode, ApigwServerOptions } from '../../support/apigw-server.js';
import type { HttpRunnerOptions } from '../../../src/runners/http.js';
import { crash } from '../../../src/oracles/crash.js';
import { timeout } from '../../../src/oracles/timeout.js';
import { createHttpRunner } from '../../../src/runners/http.js';
import { startApigwServer } from '../../support/apigw-server.js';
import { oracleContext } from '../../helpers/observation.js';

const handler = (name: string): string => fileURLToPath(new URL(`../../fixtures/remote/http/${name}.ts`, import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(name: string, server: Partial<ApigwServerOptions> & { mode?: ApigwMode } = {}, runner: Partial<HttpRunnerOptions> = {}) {
  const started = await startApigwServer({ handler: handler(name), mode: 'rest', ...server });
  cleanups.push(() => started.close());
  const created = createHttpRunner({ url: started.url, source: server.mode === 'http-2.0' ? 'apigw-http' : 'apigw-rest', timeoutMs: 3000, concurrency: 2, ...runner });
  cleanups.push(() => created.close());
  return { server: started, runner: created };
}

const get = (query: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({
  httpMethod: 'GET', path: '/x', headers: {}, multiValueHeaders: {}, queryStringParameters: query, multiValueQueryStringParameters: null, body: null, isBase64Encoded: false, ...extra,
});
const v2get = { version: '2.0', rawPath: '/x', rawQueryString: '', headers: {}, requestContext: { stage: '$default', http: { method: 'GET' } }, isBase64Encoded: false };

describe('http runner outcomes', () => {
  it.each([
    ['REST (502)', 'rest', get(), '502'],
    ['HTTP API (500)', 'http-2.0', v2get, '500'],
  ] as const)('a throwing handler behind %s is a crash the crash oracle reports, status and body as evidence', async (_label, mode, event, code) => {
    const { runner } = await setup('throws', { mode });
    const observation = await runner.invoke({ caseId: 'c1', event });
    expect(observation).toMatchObject({ outcome: { kind: 'crashed', reason: 'worker-error', error: { code } }, effects: undefined, logs: [], instance: 'remote' });
    const [finding] = crash.check(observation, oracleContext());
    expect(finding).toMatchObject({ oracle: 'crash', severity: 'high', signature: `crashed:worker-error:InternalServerError[${code}]` });
    expect(finding?.evidence).toContain(`HTTP ${code}`);
    expect(finding?.evidence).toMatch(/Internal [sS]erver [eE]rror/);
  });

  it("a 500 the handler returns itself is its answer, not a crash", async () => {
    const { runner } = await setup('shaped');
    const observation = await runner.invoke({ caseId: 'c1', event: get({ want: 'own-500' }) });
    expect(observation.outcome).toMatchObject({ kind: 'returned', value: { statusCode: 500 } });
    expect(crash.check(observation, oracleContext())).toEqual([]);
  });

  it("a hanging handler past the gateway's timeout: 504 Endpoint request timed out, a timeout", async () => {
    const { runner } = await setup('hangs', { timeoutMs: 150 }, { timeoutMs: 5000 });
    const observation = await runner.invoke({ caseId: 'c1', event: get() });
    expect(observation.outcome.kind).toBe('timeout');
    expect(timeout.check(observation, oracleContext())).toMatchObject([{ oracle: 'timeout' }]);
  });

  it('no answer within timeoutMs: a timeout with our limit, and the request is aborted (the next one still works)', async () => {
    const { runner, server } = await setup('hangs', { timeoutMs: null }, { timeoutMs: 200, concurrency: 1 });
    const observation = await runner.invoke({ caseId: 'c1', event: get() });
    expect(observation.outcome).toEqual({ kind: 'timeout', limitMs: 200 });
    expect(observation.durationMs).toBeLessThan(3000);
    // With one connection, a request left open would block the next one forever.
    const again = await runner.invoke({ caseId: 'c2', event: get() });
    expect(again.outcome.kind).toBe('timeout');
    expect(server.requests()).toBe(2);
  });

  it('429 from a throttled endpoint is a ThrottlingError transport error, not retried', async () => {
    const { runner, server } = await setup('hangs', { maxInFlight: 1, timeoutMs: null }, { timeoutMs: 1000, concurrency: 2 });
    const [first, second] = await Promise.all([runner.invoke({ caseId: 'c1', event: get() }), runner.invoke({ caseId: 'c2', event: get() })]);
    const kinds = [first!.outcome, second!.outcome].map((o) => (o.kind === 'transport-error' ? o.error.name : o.kind)).sort();
    expect(kinds).toEqual(['ThrottlingError', 'timeout']);
    expect(server.requests()).toBe(2);
    expect(server.throttled()).toBe(1);
  });

  it('a refused connection is a transport error with its own name, never a rejection', async () => {
    const port = await closedPort();
    const runner = createHttpRunner({ url: `http://127.0.0.1:${port}/staging`, source: 'apigw-rest', timeoutMs: 2000, concurrency: 1 });
    cleanups.push(() => runner.close());
    const observation = await runner.invoke({ caseId: 'c1', event: get() });
    expect(observation.outcome.kind).toBe('transport-error');
    expect(observation.outcome.kind === 'transport-error' && observation.outcome.error.name).not.toBe('ThrottlingError');
    expect(observation.outcome.kind === 'transport-error' && observation.outcome.error.code).toBe('ECONNREFUSED');
  });

  it('a redirect is not followed: the 302 is the answer', async () => {
    const { runner, server } = await setup('shaped');
    const observation = await runner.invoke({ caseId: 'c1', event: get({ want: 'redirect' }) });
    expect(observation.outcome).toMatchObject({ kind: 'returned', value: { statusCode: 302, headers: { location: '/elsewhere' } } });
    expect(server.requests()).toBe(1);
  });

  it('a body past maxBodyBytes is cut and says so', async () => {
    const { runner } = await setup('shaped', {}, { maxBodyBytes: 64 * 1024 });
    const observation = await runner.invoke({ caseId: 'c1', event: get({ want: 'large' }) });
    expect(observation.outcome).toMatchObject({ kind: 'returned', value: { statusCode: 200, truncatedAtBytes: 64 * 1024 } });
    expect(observation.outcome.kind === 'returned' && (observation.outcome.value as { body: string }).body).toHaveLength(64 * 1024);
  });

  it('repeated response headers and cookies come back as multiValueHeaders', async () => {
    const { runner } = await setup('shaped');
    const observation = await runner.invoke({ caseId: 'c1', event: get({ want: 'cookies' }) });
    expect(observation.outcome).toMatchObject({ kind: 'returned', value: { multiValueHeaders: { 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'], 'x-multi': ['one', 'two'] } } });
  });

  it.each(['rest', 'http-2.0'] as const)('%s: a binary body makes the round trip byte for byte', async (mode) => {
    const { runner, server } = await setup('binary', { mode });
    const bytes = Buffer.from([0, 1, 2, 0x80, 0xfe, 0xff, 0x0d, 0x0a]);
    const event = mode === 'rest'
      ? get({}, { httpMethod: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes.toString('base64'), isBase64Encoded: true })
      : { ...v2get, headers: { 'content-type': 'application/octet-stream' }, body: bytes.toString('base64'), isBase64Encoded: true, requestContext: { stage: '$default', http: { method: 'POST' } } };
    const observation = await runner.invoke({ caseId: 'c1', event });
    expect(server.events[0]).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
    expect(observation.outcome).toMatchObject({ kind: 'returned', value: { isBase64Encoded: true, body: Buffer.from(bytes).reverse().toString('base64') } });
  });

  it('extra headers go with every request, over the event own value, which is noted by name only', async () => {
    const { runner, server } = await setup('echo-event', {}, { headers: { 'x-api-key': 'key-0123456789' } });
    const notes: string[] = [];
    const withNotes = createHttpRunner({ url: server.url, source: 'apigw-rest', timeoutMs: 3000, concurrency: 1, headers: { 'x-api-key': 'key-0123456789' }, onAdjusted: (_id, a) => notes.push(...a.map((x) => x.field)) });
    cleanups.push(() => withNotes.close());
    await runner.invoke({ caseId: 'c1', event: get() });
    const observation = await withNotes.invoke({ caseId: 'c2', event: get({}, { headers: { 'X-Api-Key': 'fuzzed' } }) });
    expect(server.events.map((e) => (e['headers'] as Record<string, string>)['x-api-key'])).toEqual(['key-0123456789', 'key-0123456789']);
    expect(notes).toEqual(['headers.X-Api-Key']);
    // The echo handler returns the event it got: the event's own value was never sent.
    expect(JSON.stringify(observation.outcome).includes('fuzzed')).toBe(false);
  });

  it('keeps at most `concurrency` connections open however many requests are queued', async () => {
    const { runner, server } = await setup('echo-event', {}, { concurrency: 2 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => runner.invoke({ caseId: `c${i}`, event: get() })));
    expect(server.requests()).toBe(12);
    expect(server.peakInFlight()).toBeLessThanOrEqual(2);
    expect(runner.parallelism).toBe(2);
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
