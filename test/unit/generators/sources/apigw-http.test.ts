import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAt, resolvePaths, writeAt } from '../../../../generators/inject.js';
import type { ConcretePath } from '../../../../generators/inject.js';
import { clfTime } from '../../../../generators/primitives/aws.js';
import { queryMapOf } from '../../../../generators/primitives/http-fields.js';
import { fillTemplate, isTextMediaType, templateParamNames } from '../../../../generators/primitives/http.js';
import { apigwHttp, apigwHttpEvent } from '../../../../generators/sources/apigw-http.js';

// Type level: the arbitrary produces the @types/aws-lambda event type.
const typed: APIGatewayProxyEventV2 = fc.sample(apigwHttpEvent(), 1)[0]!;
void typed;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parses(event: unknown): void {
  const result = APIGatewayProxyEventV2Schema.safeParse(event);
  expect(result.success, result.success ? '' : JSON.stringify(result.error.issues, null, 1)).toBe(true);
}

/** Every FIELDS.md §2 invariant that an event must keep; returns the violations. */
function httpIssues(e: APIGatewayProxyEventV2): string[] {
  const issues: string[] = [];
  const ctx = e.requestContext;
  const h = e.headers;
  if ('multiValueHeaders' in e || 'multiValueQueryStringParameters' in e) issues.push('multiValue keys in v2');
  if (Object.keys(h).some((name) => name !== name.toLowerCase())) issues.push('upper-case header name');
  if (h['cookie'] !== undefined) issues.push('cookie header kept');
  if (e.cookies !== undefined && (e.cookies.length === 0 || e.cookies.some((c) => c.indexOf('=') <= 0 || c !== c.trim() || c.includes(';')))) issues.push('cookies shape');
  if ('body' in e && (e.body === undefined || e.body === '')) issues.push('empty body present');
  if (e.isBase64Encoded && e.body !== undefined && !BASE64.test(e.body)) issues.push('invalid base64 body');
  if (e.body !== undefined && e.isBase64Encoded === isTextMediaType(h['content-type'])) issues.push('isBase64Encoded vs content-type');
  const bytes = e.body === undefined ? 0 : e.isBase64Encoded ? Buffer.from(e.body, 'base64').length : Buffer.byteLength(e.body);
  if (h['content-length'] !== String(bytes)) issues.push(`content-length ${h['content-length']} != ${bytes}`);
  if (JSON.stringify(queryMapOf(e.rawQueryString)) !== JSON.stringify(e.queryStringParameters)) issues.push('queryStringParameters vs rawQueryString');
  if (('queryStringParameters' in e) !== (e.rawQueryString !== '')) issues.push('queryStringParameters presence');
  if (ctx.http.path !== e.rawPath) issues.push('http.path');
  if (ctx.routeKey !== e.routeKey) issues.push('routeKey mirror');
  if (ctx.http.userAgent !== (h['user-agent'] ?? '')) issues.push('http.userAgent');
  if (h['host'] !== ctx.domainName || ctx.domainPrefix !== ctx.domainName.split('.')[0]) issues.push('host/domainName');
  if (ctx.time !== clfTime(ctx.timeEpoch)) issues.push('time');
  const root = /^Root=1-([0-9a-f]{8})-[0-9a-f]{24}$/.exec(h['x-amzn-trace-id'] ?? '');
  if (root === null || Number.parseInt(root[1]!, 16) !== Math.floor(ctx.timeEpoch / 1000)) issues.push('trace root');
  if (!/^[A-Za-z0-9]{15}=$/.test(ctx.requestId)) issues.push('requestId');
  if ((h['x-forwarded-for'] ?? '').split(', ').pop() !== ctx.http.sourceIp) issues.push('x-forwarded-for');
  if (h['x-forwarded-port'] !== '443' || h['x-forwarded-proto'] !== 'https') issues.push('x-forwarded-port/proto');
  const prefix = ctx.stage === '$default' ? '' : `/${ctx.stage}`;
  if (!e.rawPath.startsWith(`${prefix}/`)) issues.push('stage prefix');
  if (e.routeKey === '$default') {
    if (e.pathParameters !== undefined) issues.push('$default with pathParameters');
  } else {
    const [method, template] = e.routeKey.split(' ') as [string, string];
    if (method !== 'ANY' && method !== ctx.http.method) issues.push('routeKey method');
    const names = templateParamNames(template);
    if (Object.keys(e.pathParameters ?? {}).sort().join() !== [...names].sort().join()) issues.push('pathParameters keys');
    if (prefix + fillTemplate(template, e.pathParameters) !== e.rawPath) issues.push('pathParameters values vs rawPath');
  }
  return issues;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('apigwHttpEvent', () => {
  it('only generates events the Powertools schema accepts', () => {
    fc.assert(fc.property(apigwHttpEvent(), parses), { numRuns: 1000 });
  });

  it('keeps every FIELDS.md §2 invariant', () => {
    fc.assert(fc.property(apigwHttpEvent(), (e) => void expect(httpIssues(e)).toEqual([])), { numRuns: 1000 });
  });

  it('generates events that are already in sync (sync returns them unchanged)', () => {
    fc.assert(fc.property(apigwHttpEvent(), (e) => void expect(apigwHttp.sync(deepFreeze(e))).toBe(e)), { numRuns: 300 });
  });

  it('is deterministic for a seed and differs for another', () => {
    const sample = (seed: number): unknown => fc.sample(apigwHttpEvent(), { seed, numRuns: 20 });
    expect(sample(42)).toEqual(sample(42));
    expect(sample(43)).not.toEqual(sample(42));
  });

  it('covers the shapes real traffic has', () => {
    const events = fc.sample(apigwHttpEvent(), { seed: 7, numRuns: 1000 });
    const seen = (predicate: (e: APIGatewayProxyEventV2) => boolean): boolean => events.some(predicate) && !events.every(predicate);
    expect(new Set(events.map((e) => e.requestContext.http.method)).size).toBe(7);
    expect(seen((e) => e.rawQueryString === '')).toBe(true);
    expect(seen((e) => Object.values(e.queryStringParameters ?? {}).some((v) => v?.includes(',')))).toBe(true);
    expect(seen((e) => e.cookies !== undefined)).toBe(true);
    expect(seen((e) => e.body === undefined)).toBe(true);
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/', 'image/']) {
      expect(seen((e) => e.body !== undefined && (e.headers['content-type'] ?? '').startsWith(type))).toBe(true);
    }
    expect(seen((e) => e.isBase64Encoded)).toBe(true);
    expect(seen((e) => e.routeKey === '$default')).toBe(true);
    expect(seen((e) => e.routeKey.startsWith('ANY /'))).toBe(true);
    expect(seen((e) => e.routeKey.endsWith('{proxy+}'))).toBe(true);
    expect(seen((e) => e.requestContext.stage !== '$default')).toBe(true);
    const auth = (e: APIGatewayProxyEventV2): object => (e.requestContext as { authorizer?: object }).authorizer ?? {};
    for (const kind of ['jwt', 'iam', 'lambda']) expect(seen((e) => kind in auth(e))).toBe(true);
    expect(seen((e) => (e.headers['x-custom-header'] ?? '').includes(','))).toBe(true);
  });

  it('honours its constraints', () => {
    const events = fc.sample(apigwHttpEvent({ methods: ['PUT'], bodyKinds: ['binary'], maxQueryParams: 0, routeKinds: ['method'], authorizers: ['none'], routes: ['/uploads/{name}'] }), 50);
    for (const e of events) {
      expect(e.routeKey).toBe('PUT /uploads/{name}');
      expect([e.rawQueryString, e.isBase64Encoded, Object.keys(e.pathParameters ?? {})]).toEqual(['', true, ['name']]);
    }
  });
});

const WEIRD = [
  `'"<svg/onload=alert(1)>\${7*7}$(id)\`id\`|ü😀 \\ ,`,
  `..%2F;$(id)'"<x>{{7*7}}`,
  `{"__proto__":{"polluted":1}}\n\r\t\u0000'"ü😀`,
];

describe('apigwHttp injection points', () => {
  it('never targets headers that API Gateway sets', () => {
    const targeted = apigwHttp.injectionPoints.filter((p) => p.path[0] === 'headers').map((p) => String(p.path[1]));
    for (const name of ['host', 'x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-amzn-trace-id', 'content-length', 'cookie']) expect(targeted).not.toContain(name);
  });

  it.each(apigwHttp.injectionPoints.map((point) => [point.path.map((s) => (typeof s === 'object' ? `<${s.codec}>` : String(s))).join('.'), point] as const))(
    'round-trips a weird value written at %s',
    (_label, point) => {
      let written = 0;
      for (const event of fc.sample(apigwHttpEvent(), { seed: 11, numRuns: 400 })) {
        for (const target of resolvePaths(event, point.path)) {
          const value = weirdValueFor(event, target, point.accepts);
          if (value === undefined) continue;
          const after = apigwHttp.sync(writeAt(deepFreeze(event), target, () => value));
          expect(readAt(after, target)).toBe(value);
          parses(after);
          expect(httpIssues(after)).toEqual([]);
          written++;
        }
      }
      expect(written).toBeGreaterThan(0);
    },
  );

  it('keeps the raw pairs of unchanged query keys and re-encodes the written one', () => {
    const event = fc.sample(apigwHttpEvent({ maxQueryParams: 3 }), { seed: 3, numRuns: 50 }).find((e) => Object.keys(e.queryStringParameters ?? {}).length >= 2)!;
    const [first, second] = Object.keys(event.queryStringParameters!) as [string, string];
    const after = apigwHttp.sync(writeAt(event, ['queryStringParameters', first], () => 'a b&c=d'));
    expect(after.rawQueryString).toContain(`${encodeURIComponent(first)}=a%20b%26c%3Dd`);
    expect(after.queryStringParameters?.[second]).toBe(event.queryStringParameters![second]);
  });
});

/** A weird value for a target; for `rawPath`, the route filled with weird segments so it still routes here. */
function weirdValueFor(event: APIGatewayProxyEventV2, target: ConcretePath, accepts: ((v: string) => boolean) | undefined): string | undefined {
  if (target.length === 1 && target[0] === 'rawPath') {
    const prefix = event.requestContext.stage === '$default' ? '' : `/${event.requestContext.stage}`;
    if (event.routeKey === '$default') return `${prefix}/a b/../ü;$(id)'"<x>`;
    const template = event.routeKey.slice(event.routeKey.indexOf(' ') + 1);
    return prefix + fillTemplate(template, Object.fromEntries(templateParamNames(template).map((name) => [name, `a b;$(id)'"<x>ü`])));
  }
  return WEIRD.find((value) => accepts?.(value) ?? true);
}
