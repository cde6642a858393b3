import type { APIGatewayProxyEvent } from 'aws-lambda';
import { APIGatewayProxyEventSchema } from '@aws-lambda-powertools/parser/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAt, resolvePaths, writeAt } from '../../../../generators/inject.js';
import type { ConcretePath } from '../../../../generators/inject.js';
import { clfTime } from '../../../../generators/primitives/aws.js';
import { fillTemplate, isBinaryMediaType, templateParamNames } from '../../../../generators/primitives/http.js';
import { apigwRest, apigwRestEvent } from '../../../../generators/sources/apigw-rest.js';

// Type level: the arbitrary produces the @types/aws-lambda event type.
const typed: APIGatewayProxyEvent = fc.sample(apigwRestEvent(), 1)[0]!;
void typed;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EDGE_ONLY = ['CloudFront-Forwarded-Proto', 'CloudFront-Is-Desktop-Viewer', 'CloudFront-Is-Mobile-Viewer', 'CloudFront-Is-SmartTV-Viewer', 'CloudFront-Is-Tablet-Viewer', 'CloudFront-Viewer-ASN', 'CloudFront-Viewer-Country', 'Via', 'X-Amz-Cf-Id'];
const last = <T>(values: readonly T[] | undefined): T | undefined => values?.[values.length - 1];

function parses(event: unknown): void {
  const result = APIGatewayProxyEventSchema.safeParse(event);
  expect(result.success, result.success ? '' : JSON.stringify(result.error.issues, null, 1)).toBe(true);
}

function mapsAgree(single: Record<string, string | undefined> | null, multi: Record<string, string[] | undefined> | null, what: string, issues: string[]): void {
  if ((single === null) !== (multi === null)) issues.push(`${what}: null apart`);
  if (single === null || multi === null) return;
  if (Object.keys(single).length === 0) issues.push(`${what}: {}`);
  if (Object.keys(single).sort().join() !== Object.keys(multi).sort().join()) issues.push(`${what}: key sets differ`);
  for (const [key, value] of Object.entries(single)) if (last(multi[key]) !== value) issues.push(`${what}.${key}: last value differs`);
}

/** Every FIELDS.md §1 invariant that an event must keep; returns the violations. */
function restIssues(e: APIGatewayProxyEvent): string[] {
  const issues: string[] = [];
  const ctx = e.requestContext;
  const h = e.headers;
  mapsAgree(h, e.multiValueHeaders, 'headers', issues);
  mapsAgree(e.queryStringParameters, e.multiValueQueryStringParameters, 'query', issues);
  if (e.body === '') issues.push('empty body instead of null');
  if (e.body === null && e.isBase64Encoded) issues.push('isBase64Encoded without body');
  if (e.isBase64Encoded && (!BASE64.test(e.body ?? '') || !isBinaryMediaType(h['Content-Type']))) issues.push('base64 body without binary content type');
  if (e.body !== null && !e.isBase64Encoded && isBinaryMediaType(h['Content-Type'])) issues.push('binary content type, text body');
  if (ctx.httpMethod !== e.httpMethod) issues.push('httpMethod mirror');
  if (ctx.resourcePath !== e.resource) issues.push('resourcePath mirror');
  if (ctx.path !== `/${ctx.stage}${e.path}`) issues.push('requestContext.path');
  if (ctx.identity.userAgent !== (h['User-Agent'] ?? null)) issues.push('identity.userAgent');
  if (h['Host'] !== ctx.domainName || ctx.domainPrefix !== ctx.domainName?.split('.')[0]) issues.push('Host/domainName');
  if (ctx.requestTime !== clfTime(ctx.requestTimeEpoch)) issues.push('requestTime');
  const root = /^Root=1-([0-9a-f]{8})-[0-9a-f]{24}$/.exec(h['X-Amzn-Trace-Id'] ?? '');
  if (root === null || Number.parseInt(root[1]!, 16) !== Math.floor(ctx.requestTimeEpoch / 1000)) issues.push('trace root');
  if (!UUID.test(ctx.requestId) || !/^[A-Za-z0-9]{15}=$/.test(ctx.extendedRequestId ?? '')) issues.push('request ids');
  const xff = (h['X-Forwarded-For'] ?? '').split(', ');
  if (h['CloudFront-Forwarded-Proto'] !== undefined) {
    if (!EDGE_ONLY.every((name) => h[name] !== undefined)) issues.push('edge headers incomplete');
    if (!/^(1\.1|2\.0) [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/.test(h['Via'] ?? '') || !/^[\w-]{54}==$/.test(h['X-Amz-Cf-Id'] ?? '')) issues.push('Via / X-Amz-Cf-Id');
    if (xff.length < 2 || xff[xff.length - 2] !== ctx.identity.sourceIp) issues.push('edge X-Forwarded-For');
  } else {
    if (Object.keys(h ?? {}).some((name) => EDGE_ONLY.includes(name))) issues.push('CloudFront header on regional endpoint');
    if (last(xff) !== ctx.identity.sourceIp) issues.push('regional X-Forwarded-For');
  }
  if (h['X-Forwarded-Port'] !== '443' || h['X-Forwarded-Proto'] !== 'https') issues.push('X-Forwarded-Port/Proto');
  if (Object.keys(h ?? {}).some((name) => name.toLowerCase() === 'content-length')) issues.push('Content-Length in REST');
  if (/^AWS4-HMAC-SHA256/.test(h['Authorization'] ?? '')) issues.push('SigV4 Authorization not dropped');
  const names = templateParamNames(e.resource);
  if (names.length === 0 ? e.pathParameters !== null : Object.keys(e.pathParameters ?? {}).sort().join() !== [...names].sort().join()) issues.push('pathParameters keys');
  if (fillTemplate(e.resource, e.pathParameters) !== e.path) issues.push('pathParameters values vs path');
  if (e.httpMethod === 'GET' && e.body !== null) issues.push('GET with body');
  return issues;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('apigwRestEvent', () => {
  it('only generates events the Powertools schema accepts', () => {
    fc.assert(fc.property(apigwRestEvent(), parses), { numRuns: 1000 });
  });

  it('keeps every FIELDS.md §1 invariant', () => {
    fc.assert(fc.property(apigwRestEvent(), (e) => void expect(restIssues(e)).toEqual([])), { numRuns: 1000 });
  });

  it('generates events that are already in sync (sync returns them unchanged)', () => {
    fc.assert(fc.property(apigwRestEvent(), (e) => void expect(apigwRest.sync(deepFreeze(e))).toBe(e)), { numRuns: 300 });
  });

  it('is deterministic for a seed and differs for another', () => {
    const sample = (seed: number): unknown => fc.sample(apigwRestEvent(), { seed, numRuns: 20 });
    expect(sample(42)).toEqual(sample(42));
    expect(sample(43)).not.toEqual(sample(42));
  });

  it('covers the shapes real traffic has', () => {
    const events = fc.sample(apigwRestEvent(), { seed: 7, numRuns: 1000 });
    const seen = (predicate: (e: APIGatewayProxyEvent) => boolean): boolean => events.some(predicate) && !events.every(predicate);
    expect(new Set(events.map((e) => e.httpMethod)).size).toBe(7);
    expect(seen((e) => e.queryStringParameters === null)).toBe(true);
    expect(seen((e) => Object.values(e.multiValueQueryStringParameters ?? {}).some((v) => (v?.length ?? 0) > 1))).toBe(true);
    expect(seen((e) => Object.values(e.multiValueHeaders ?? {}).some((v) => (v?.length ?? 0) > 1))).toBe(true);
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/', 'image/']) {
      expect(seen((e) => e.body !== null && (e.headers['Content-Type'] ?? '').startsWith(type))).toBe(true);
    }
    expect(seen((e) => e.isBase64Encoded)).toBe(true);
    expect(seen((e) => e.headers['Cookie'] !== undefined)).toBe(true);
    expect(seen((e) => e.resource.endsWith('{proxy+}'))).toBe(true);
    expect(seen((e) => e.headers['Via'] !== undefined)).toBe(true);
    expect(seen((e) => 'claims' in (e.requestContext.authorizer ?? {}))).toBe(true);
    expect(seen((e) => 'principalId' in (e.requestContext.authorizer ?? {}))).toBe(true);
    expect(seen((e) => e.requestContext.identity.userArn !== null)).toBe(true);
    expect(seen((e) => e.requestContext.identity.sourceIp.includes(':'))).toBe(true);
  });

  it('honours its constraints', () => {
    const events = fc.sample(apigwRestEvent({ methods: ['POST'], bodyKinds: ['json'], maxQueryParams: 0, endpoints: ['edge'], authorizers: ['none'], resources: ['/{proxy+}'] }), 50);
    for (const e of events) {
      expect([e.httpMethod, e.resource, e.queryStringParameters, e.requestContext.authorizer]).toEqual(['POST', '/{proxy+}', null, undefined]);
      expect(JSON.parse(e.body ?? 'null')).toBeTypeOf('object');
      expect(e.headers['Via']).toBeDefined();
    }
  });
});

/** Weird but deliverable values, tried in order: the first one a point accepts is written there. */
const WEIRD = [
  `'"<svg/onload=alert(1)>\${7*7}$(id)\`id\`|ü😀 \\ ,`,
  `..%2F..%2Fetc%2Fpasswd;$(id)'"<x>{{7*7}}`,
  `{"__proto__":{"polluted":1}}\n\r\t\u0000'"ü😀`,
];

describe('apigwRest injection points', () => {
  it('never targets headers that API Gateway sets', () => {
    const targeted = apigwRest.injectionPoints.filter((p) => p.path[0] === 'headers').map((p) => String(p.path[1]).toLowerCase());
    for (const name of ['host', 'x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-amzn-trace-id', 'via', 'x-amz-cf-id']) expect(targeted).not.toContain(name);
    expect(targeted.some((name) => name.startsWith('cloudfront-'))).toBe(false);
  });

  it('rejects values AWS would never deliver', () => {
    const accepts = (path: string, value: string): boolean => apigwRest.injectionPoints.find((p) => p.path.join() === path)?.accepts?.(value) ?? true;
    expect(accepts('headers,User-Agent', 'a\r\nSet-Cookie: x=1')).toBe(false);
    expect(accepts('headers,User-Agent', 'a\u0000b')).toBe(false);
    expect(accepts('path', '/a b')).toBe(false);
    expect(accepts('pathParameters,*', 'a/b')).toBe(false);
    expect(accepts('body,[object Object]', '')).toBe(false);
  });

  it.each(apigwRest.injectionPoints.map((point) => [point.path.map((s) => (typeof s === 'object' ? `<${s.codec}>` : String(s))).join('.'), point] as const))(
    'round-trips a weird value written at %s',
    (_label, point) => {
      let written = 0;
      for (const event of fc.sample(apigwRestEvent(), { seed: 11, numRuns: 400 })) {
        for (const target of resolvePaths(event, point.path)) {
          const value = weirdValueFor(event, target, point.accepts);
          if (value === undefined) continue;
          const after = apigwRest.sync(writeAt(deepFreeze(event), target, () => value));
          expect(readAt(after, target)).toBe(value);
          parses(after);
          expect(restIssues(after)).toEqual([]);
          written++;
        }
      }
      expect(written).toBeGreaterThan(0);
    },
  );
});

/** A weird value for a target; for the path itself, the resource filled with weird segments so it still routes here. */
function weirdValueFor(event: APIGatewayProxyEvent, target: ConcretePath, accepts: ((v: string) => boolean) | undefined): string | undefined {
  if (target.length === 1 && target[0] === 'path') {
    const params = Object.fromEntries(templateParamNames(event.resource).map((name) => [name, `..%2F;$(id)'"<x>`]));
    return fillTemplate(event.resource, params);
  }
  return WEIRD.find((value) => accepts?.(value) ?? true);
}
