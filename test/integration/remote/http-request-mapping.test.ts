// The pure mapping of src/runners/apigw-request.ts: API Gateway events → the request a client sends, and HTTP
// responses → outcomes. No network here; the round trip through a real server is in http-round-trip.test.ts.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpResponseParts } from '../../../src/runners/apigw-request.js';
import { loadPayloads } from '../../../src/payloads/index.js';
import { buildCase, caseSpaceForSource, getEventSource } from '../../../generators/index.js';
import { outcomeFromResponse, requestFromEvent } from '../../../src/runners/apigw-request.js';

const base = new URL('https://abc123defg.execute-api.eu-west-1.amazonaws.com/staging');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

// What undici accepts (lib/core/request.js and util.js): a path of 0x21-0xff starting with `/`, token methods and
// header names, header values without controls other than tab and nothing past 0xff.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
function expectSendable(request: ReturnType<typeof requestFromEvent>): void {
  expect(request.path).toMatch(/^\/[\x21-\x7e]*$/);
  expect(request.method).toMatch(TOKEN);
  for (const [name, value] of Object.entries(request.headers)) {
    expect(name).toMatch(TOKEN);
    for (const v of ([] as string[]).concat(value)) expect(v).toMatch(/^[\t\x20-\x7e\x80-\xff]*$/);
    expect(['host', 'content-length', 'connection', 'transfer-encoding', 'expect', 'upgrade', 'keep-alive']).not.toContain(name.toLowerCase());
  }
}

describe('requestFromEvent: REST payload 1.0', () => {
  it('maps the captured sample: method, raw path under the stage, query, every header value, base64 body', () => {
    const event = fixture('apigw-rest/proxy.json');
    const request = requestFromEvent(event, 'apigw-rest', base);
    expect(request.method).toBe(event['httpMethod']);
    expect(request.path.startsWith(`/staging${event['path'] as string}`)).toBe(true);
    expect(request.adjustments).toEqual([]);
    expectSendable(request);
  });

  it('sends every value of multiValueQueryStringParameters, encoded, and lets the single-value map win a disagreement', () => {
    const request = requestFromEvent(
      {
        httpMethod: 'GET', path: '/search',
        queryStringParameters: { tag: 'blue', q: 'a b&c=d' },
        multiValueQueryStringParameters: { tag: ['red', 'green'], q: ['a b&c=d'] },
      },
      'apigw-rest', base,
    );
    expect(request.path).toBe('/staging/search?tag=red&tag=blue&q=a%20b%26c%3Dd');
  });

  it('keeps the client percent-encoding of path, encodes what a path cannot carry, never decodes %2F', () => {
    const request = requestFromEvent({ httpMethod: 'GET', path: '/files/a%2Fb/über ?x#y%' }, 'apigw-rest', base);
    expect(request.path).toBe('/staging/files/a%2Fb/%C3%BCber%20%3Fx%23y%25');
    expect(request.adjustments).toEqual([expect.objectContaining({ field: 'path', action: 'encoded' })]);
    // A stray % in an otherwise plain path (the fast path's case) is escaped too; a %XX escape is kept.
    expect(requestFromEvent({ httpMethod: 'GET', path: '/100%/a%20b' }, 'apigw-rest', base).path).toBe('/staging/100%25/a%20b');
  });

  it('sends multiValueHeaders as repeated headers, the last replaced by headers where they disagree', () => {
    const request = requestFromEvent(
      { httpMethod: 'GET', path: '/', headers: { Accept: 'b', 'X-A': '1' }, multiValueHeaders: { Accept: ['a', 'x'], 'X-A': ['1'] } },
      'apigw-rest', base,
    );
    expect(request.headers).toEqual({ Accept: ['a', 'b'], 'X-A': '1' });
  });

  it('drops CR/LF, invalid names and hop-by-hop headers, encodes beyond Latin-1 as UTF-8 bytes, and says so', () => {
    const request = requestFromEvent(
      {
        httpMethod: 'GET', path: '/',
        headers: { 'X-Bad': 'a\r\nSet-Cookie: x=1', 'Bad Name': 'v', Connection: 'close', Host: 'h', 'Content-Length': '3', 'X-Uni': 'snow ☃', 'X-Ok': 'fine' },
        multiValueHeaders: null,
      },
      'apigw-rest', base,
    );
    expect(request.headers).toEqual({ 'X-Uni': Buffer.from('snow ☃').toString('latin1'), 'X-Ok': 'fine' });
    expect(request.adjustments.map((a) => [a.field, a.action])).toEqual([
      ['headers.X-Bad', 'dropped'], ['headers.Bad Name', 'dropped'], ['headers.Connection', 'dropped'], ['headers.X-Uni', 'encoded'],
    ]);
    // The note never carries the value (it may be a payload or a secret).
    expect(JSON.stringify(request.adjustments)).not.toContain('Set-Cookie');
  });

  it('treats names like constructor, __proto__ and toString as names (found by the property below)', () => {
    const request = requestFromEvent(
      {
        httpMethod: 'GET', path: '/',
        headers: JSON.parse('{"constructor":"a","__proto__":"b","toString":"c"}') as Record<string, string>,
        multiValueHeaders: JSON.parse('{"constructor":["a"],"__proto__":["b"]}') as Record<string, string[]>,
        queryStringParameters: JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>,
        multiValueQueryStringParameters: null,
      },
      'apigw-rest', base,
    );
    expect(Object.entries(request.headers)).toEqual([['constructor', 'a'], ['__proto__', 'b'], ['toString', 'c']]);
    expect(request.path).toBe('/staging/?__proto__=x&constructor=y');
    expect(requestFromEvent({ version: '2.0', rawPath: '/', rawQueryString: '__proto__=1', queryStringParameters: JSON.parse('{"__proto__":"1"}') as Record<string, string>, requestContext: { stage: '$default', http: { method: 'GET' } } }, 'apigw-http', base).adjustments).toEqual([]);
  });

  it.each([
    ['not a token', 'GE T', undefined, 'GET'],
    ['not a string', 42, undefined, 'GET'],
    ['CONNECT, with a body', 'CONNECT', 'x', 'POST'],
  ])('replaces a method that is %s', (_label, httpMethod, body, sent) => {
    const request = requestFromEvent({ httpMethod, path: '/', body }, 'apigw-rest', base);
    expect(request.method).toBe(sent);
    expect(request.adjustments[0]).toMatchObject({ field: 'httpMethod', action: 'replaced' });
  });

  it('decodes a base64 body only when isBase64Encoded is true', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    expect(requestFromEvent({ httpMethod: 'POST', path: '/', body: bytes.toString('base64'), isBase64Encoded: true }, 'apigw-rest', base).body).toEqual(bytes);
    expect(requestFromEvent({ httpMethod: 'POST', path: '/', body: 'AAEC', isBase64Encoded: false }, 'apigw-rest', base).body?.toString()).toBe('AAEC');
    expect(requestFromEvent({ httpMethod: 'POST', path: '/', body: null }, 'apigw-rest', base).body).toBeUndefined();
  });
});

describe('requestFromEvent: HTTP API payload 2.0', () => {
  it('maps the captured sample: rawPath under the base, raw query kept, cookies as one Cookie header, body', () => {
    const event = fixture('apigw-http/proxy.json');
    const request = requestFromEvent(event, 'apigw-http', base);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/staging/orders/o-1234/items?tag=red&tag=blue&q=hello%20world');
    expect(request.headers['cookie']).toBe('session=3f9a1c2e7b; theme=dark');
    expect(request.headers['x-custom-header']).toBe('first,second');
    expect(request.body?.toString()).toBe('{"sku":"ABC-123","quantity":2}');
    expect(request.adjustments).toEqual([]);
    expectSendable(request);
  });

  it('strips the event stage, or (without one) a first segment equal to the base URL last segment, never both', () => {
    const v2 = (rawPath: string, stage?: string) =>
      requestFromEvent({ version: '2.0', rawPath, rawQueryString: '', headers: {}, requestContext: { http: { method: 'GET' }, ...(stage === undefined ? {} : { stage }) } }, 'apigw-http', base).path;
    expect(v2('/prod/orders', 'prod')).toBe('/staging/orders');
    expect(v2('/staging/orders', '$default')).toBe('/staging/staging/orders');
    expect(v2('/staging/orders')).toBe('/staging/orders');
    expect(v2('/staging', 'staging')).toBe('/staging/');
    expect(v2('/prodx/orders', 'prod')).toBe('/staging/prodx/orders');
  });

  it('percent-encodes the decoded rawPath, % included', () => {
    const request = requestFromEvent({ version: '2.0', rawPath: '/a b/100%/ü?', requestContext: { stage: '$default', http: { method: 'GET' } } }, 'apigw-http', base);
    expect(request.path).toBe('/staging/a%20b/100%25/%C3%BC%3F');
  });

  it('escapes each character as its UTF-8 bytes: two, three and four bytes, and a lone surrogate as U+FFFD', () => {
    const request = requestFromEvent({ version: '2.0', rawPath: '/é☃😀\uD800x', requestContext: { stage: '$default', http: { method: 'GET' } } }, 'apigw-http', base);
    expect(request.path).toBe('/staging/%C3%A9%E2%98%83%F0%9F%98%80%EF%BF%BDx');
    expect(request.adjustments).toEqual([expect.objectContaining({ field: 'rawPath', action: 'encoded' })]);
  });

  it('rebuilds the query from queryStringParameters when rawQueryString no longer matches them', () => {
    const request = requestFromEvent(
      { version: '2.0', rawPath: '/', rawQueryString: 'q=old', queryStringParameters: { q: "x' OR 1=1&y" }, requestContext: { stage: '$default', http: { method: 'GET' } } },
      'apigw-http', base,
    );
    expect(request.path).toBe("/staging/?q=x'%20OR%201%3D1%26y");
    expect(request.adjustments).toEqual([expect.objectContaining({ field: 'rawQueryString', action: 'replaced' })]);
  });

  it('reads a payload 1.0 event of an HTTP API as 1.0', () => {
    const request = requestFromEvent({ version: '1.0', httpMethod: 'PUT', path: '/x', queryStringParameters: { a: '1' }, multiValueQueryStringParameters: { a: ['1'] } }, 'apigw-http', base);
    expect([request.method, request.path]).toEqual(['PUT', '/staging/x?a=1']);
  });
});

describe('requestFromEvent never throws and always gives a request undici accepts', () => {
  const payloads = loadPayloads();
  it.each(['apigw-rest', 'apigw-http'] as const)('%s: generated events with every payload at every injection point', (source) => {
    const space = caseSpaceForSource(getEventSource(source));
    for (const event of fc.sample(space.base, { seed: 7, numRuns: 2 })) {
      const targets = space.targetsFor(event).length;
      for (let pick = 0; pick < targets; pick++) {
        for (const payload of payloads) {
          const built = buildCase(space, [payload], { event, pointPick: pick, fieldPick: pick, payloadPick: 0, placement: 'replace', canary: 'efzcanary00001' });
          expectSendable(requestFromEvent(built.event, source, base));
        }
      }
    }
  });

  it.each(['apigw-rest', 'apigw-http'] as const)('%s: events with any field replaced by any value', (source) => {
    const events = getEventSource(source).arbitrary();
    const keys = ['httpMethod', 'path', 'rawPath', 'rawQueryString', 'headers', 'multiValueHeaders', 'queryStringParameters', 'multiValueQueryStringParameters', 'cookies', 'body', 'isBase64Encoded', 'requestContext', 'version'];
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('\r', '\n', '\u0000', '\uD800', '%', '?', '#', ' ', 'ü', '☃', 'a', '/') }));
    const value = fc.oneof(text, fc.anything(), fc.dictionary(text, fc.oneof(text, fc.array(text), fc.anything())), fc.array(text));
    fc.assert(
      fc.property(events, fc.constantFrom(...keys), value, (event, key, replacement) => {
        expectSendable(requestFromEvent({ ...(event as object), [key]: replacement }, source, base));
      }),
      { numRuns: 400 },
    );
  });

  it.each([null, 'text', 42, []])('an event that is not an object (%j): GET of the base, noted', (event) => {
    const request = requestFromEvent(event, 'apigw-rest', base);
    expect([request.method, request.path]).toEqual(['GET', '/staging']);
    expect(request.adjustments).toHaveLength(1);
  });
});

const response = (statusCode: number, body: string | Buffer, headers: HttpResponseParts['headers'] = {}, truncated = false): HttpResponseParts => ({
  statusCode, headers, body: typeof body === 'string' ? Buffer.from(body) : body, truncated,
});

describe('outcomeFromResponse', () => {
  it.each([
    ['REST 502', 502, '{"message": "Internal server error"}'],
    ['HTTP API 500', 500, '{"message":"Internal Server Error"}'],
    ['Function URL 502', 502, 'Internal Server Error'],
  ])("API Gateway's generic error (%s) is a crash with status and body as evidence", (_label, status, body) => {
    const outcome = outcomeFromResponse(response(status, body), 12);
    expect(outcome).toMatchObject({ kind: 'crashed', reason: 'worker-error', exitCode: null, error: { name: 'InternalServerError', code: String(status) } });
    expect(outcome.kind === 'crashed' && outcome.error?.message).toContain(body);
  });

  it.each([
    ['a 500 the handler chose, with its own body', 500, '{"error":"database unavailable"}'],
    ['a 502 with another message', 502, '{"message": "Bad gateway from nginx"}'],
    ['a message with more keys', 502, '{"message": "Internal server error", "stack": "at x"}'],
    ['a 503', 503, '{"message": "Internal server error"}'],
  ])('%s is a returned proxy result, not a crash', (_label, status, body) => {
    expect(outcomeFromResponse(response(status, body), 1)).toMatchObject({ kind: 'returned', value: { statusCode: status, body } });
  });

  it("504 with API Gateway's timeout message is a timeout; another 504 is the handler's answer", () => {
    expect(outcomeFromResponse(response(504, '{"message": "Endpoint request timed out"}'), 29_000.4)).toEqual({ kind: 'timeout', limitMs: 29_000 });
    expect(outcomeFromResponse(response(504, 'upstream slow'), 5)).toMatchObject({ kind: 'returned' });
  });

  it('429 is a ThrottlingError transport error', () => {
    expect(outcomeFromResponse(response(429, '{"message":"Too Many Requests"}'), 1)).toMatchObject({ kind: 'transport-error', error: { name: 'ThrottlingError', code: '429' } });
  });

  it('a response is a proxy result: headers joined, repeated ones and set-cookie in multiValueHeaders, text or base64 body', () => {
    const text = outcomeFromResponse(response(200, '{"ok":true}', { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-m': ['1', '2'] }), 1);
    expect(text).toEqual({
      kind: 'returned',
      value: {
        statusCode: 200, headers: { 'content-type': 'application/json', 'x-m': '1, 2' },
        multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'], 'x-m': ['1', '2'] }, body: '{"ok":true}', isBase64Encoded: false,
      },
    });
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    expect(outcomeFromResponse(response(200, bytes), 1)).toMatchObject({ value: { body: bytes.toString('base64'), isBase64Encoded: true } });
  });

  it('a truncated body says so, and a character cut at the end does not make it binary', () => {
    const cut = Buffer.from('abc☃').subarray(0, 5);
    expect(outcomeFromResponse(response(200, cut, {}, true), 1)).toMatchObject({ value: { body: 'abc', isBase64Encoded: false, truncatedAtBytes: 5 } });
  });
});
