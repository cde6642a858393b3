// Generated API Gateway events go through the HTTP runner to a real server that rebuilds the event the way API Gateway
// does: the handler must see the attacker-controlled fields the generator wrote (method, path, query, headers,
// cookies, body bytes), under a base URL that carries a stage.
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApigwMode, ApigwServer } from '../../support/apigw-server.js';
import type { Runner } from '../../../src/runners/types.js';
import { getEventSource } from '../../../generators/index.js';
import { createHttpRunner } from '../../../src/runners/http.js';
import { startApigwServer } from '../../support/apigw-server.js';

const handler = (name: string): string => fileURLToPath(new URL(`../../fixtures/remote/http/${name}.ts`, import.meta.url));
/** Headers the gateway (or the connection) sets itself: not the client's to carry through. */
const GATEWAY_SET = /^(host|content-length|x-forwarded-(for|port|proto)|connection)$/i;

type Event = Record<string, unknown>;
const bodyBytes = (e: Event): Buffer => Buffer.from(typeof e['body'] === 'string' ? e['body'] : '', e['isBase64Encoded'] === true ? 'base64' : 'utf8');

async function roundTrip(mode: ApigwMode, source: 'apigw-rest' | 'apigw-http', stage: string | undefined, events: readonly unknown[]) {
  const server = await startApigwServer({ handler: handler('echo-event'), mode, ...(stage === undefined ? {} : { stage }), binaryMediaTypes: ['*/*'] });
  const runner = createHttpRunner({ url: server.url, source, timeoutMs: 5000, concurrency: 4 });
  try {
    const observations = await Promise.all(events.map((event, i) => runner.invoke({ caseId: `c${i}`, event })));
    return { observations, delivered: server.events, server };
  } finally {
    await runner.close();
    await server.close();
  }
}

describe('round trip through a real API Gateway stand-in', () => {
  it('REST: method, raw path under the stage, every query and header value, body bytes', async () => {
    const events = fc.sample(getEventSource('apigw-rest').arbitrary(), { seed: 11, numRuns: 25 }) as Event[];
    const { observations, delivered } = await roundTrip('rest', 'apigw-rest', 'staging', events);
    expect(observations.map((o) => o.outcome.kind)).toEqual(events.map(() => 'returned'));
    const byId = new Map(delivered.map((e) => [(e['headers'] as Record<string, string>)['X-Request-Id'] ?? '', e]));
    for (const [i, sent] of events.entries()) {
      const got = delivered.find((e) => e['path'] === sent['path'] && e['httpMethod'] === sent['httpMethod'] && bodyBytes(e).equals(bodyBytes(sent))) ?? byId.get(String(i));
      expect(got, `event ${i} ${String(sent['httpMethod'])} ${String(sent['path'])}`).toBeDefined();
      expect((got!['requestContext'] as Event)['path']).toBe(`/staging${String(sent['path'])}`);
      expect(got!['multiValueQueryStringParameters']).toEqual(sent['multiValueQueryStringParameters']);
      const sentHeaders = Object.entries(sent['multiValueHeaders'] as Record<string, string[]>).filter(([name]) => !GATEWAY_SET.test(name));
      expect(Object.entries(got!['multiValueHeaders'] as Record<string, string[]>).filter(([name]) => !GATEWAY_SET.test(name))).toEqual(sentHeaders);
    }
  });

  it('HTTP API 2.0: method, decoded rawPath (event stage replaced by the server stage), query map, cookies, headers, body bytes', async () => {
    const events = fc.sample(getEventSource('apigw-http').arbitrary(), { seed: 12, numRuns: 25 }) as Event[];
    const { observations, delivered } = await roundTrip('http-2.0', 'apigw-http', 'staging', events);
    expect(observations.map((o) => o.outcome.kind)).toEqual(events.map(() => 'returned'));
    for (const [i, sent] of events.entries()) {
      const context = sent['requestContext'] as { stage: string; http: { method: string } };
      const ownPath = context.stage === '$default' ? String(sent['rawPath']) : String(sent['rawPath']).slice(context.stage.length + 1);
      const got = delivered.find((e) => e['rawPath'] === `/staging${ownPath}` && (e['requestContext'] as { http: { method: string } }).http.method === context.http.method && bodyBytes(e).equals(bodyBytes(sent)));
      expect(got, `event ${i} ${context.http.method} ${String(sent['rawPath'])}`).toBeDefined();
      expect(got!['queryStringParameters']).toEqual(sent['queryStringParameters']);
      expect(got!['cookies']).toEqual(sent['cookies']);
      const client = (h: unknown) => Object.entries(h as Record<string, string>).filter(([name]) => !GATEWAY_SET.test(name)).sort();
      expect(client(got!['headers'])).toEqual(client(sent['headers']));
    }
  });

  it('HTTP API payload 1.0 on the $default stage: the v1 event arrives with its path and query', async () => {
    const event = { version: '1.0', httpMethod: 'PATCH', path: '/users/u1', queryStringParameters: { q: 'a&b' }, multiValueQueryStringParameters: { q: ['a&b'] }, headers: { 'Content-Type': 'text/plain' }, multiValueHeaders: { 'Content-Type': ['text/plain'] }, body: 'hi', isBase64Encoded: false };
    const { delivered } = await roundTrip('http-1.0', 'apigw-http', undefined, [event]);
    expect(delivered[0]).toMatchObject({ version: '1.0', httpMethod: 'PATCH', path: '/users/u1', queryStringParameters: { q: 'a&b' }, body: 'hi' });
  });
});

describe('a URL with a stage path', () => {
  let server: ApigwServer;
  let runner: Runner;
  beforeAll(async () => {
    server = await startApigwServer({ handler: handler('echo-event'), mode: 'rest', stage: 'v1-staging' });
    runner = createHttpRunner({ url: `${server.url}/`, source: 'apigw-rest', timeoutMs: 5000, concurrency: 1 });
  });
  afterAll(async () => {
    await runner.close();
    await server.close();
  });

  it('sends the event path under the stage (a trailing slash on the base is not doubled)', async () => {
    const observation = await runner.invoke({ caseId: 'c1', event: { httpMethod: 'GET', path: '/orders/o-1', headers: {}, multiValueHeaders: {} } });
    expect(observation.outcome).toMatchObject({ kind: 'returned', value: { statusCode: 200 } });
    expect(server.events[0]).toMatchObject({ path: '/orders/o-1', requestContext: { path: '/v1-staging/orders/o-1', stage: 'v1-staging' } });
  });
});
