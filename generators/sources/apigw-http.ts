import type { APIGatewayEventRequestContextV2, APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import type { InjectionPoint } from '../types.js';
import { defineEventSource } from '../types.js';
import { plainEvent } from '../plain.js';
import { accountId, clfTime, publicIpv4, region, STAGES, traceRoot } from '../primitives/aws.js';
import { Entropy, entropySeed } from '../primitives/entropy.js';
import { cognitoClaims, iamCaller, sigV4Headers } from '../primitives/http-auth.js';
import {
  acceptsBody, acceptsCookieValue, acceptsDecodedPath, acceptsDecodedSegment, acceptsHeaderValue, bodyByteLength,
  encodeQueryComponent, isWellFormed, queryMapOf, rawQueryFor, recodeBody,
} from '../primitives/http-fields.js';
import {
  BODY_KINDS, fakeJwt, fillTemplate, HTTP_METHODS, httpRequest, isTextMediaType, matchTemplate, ROUTE_TEMPLATES, shortRequestId,
  sortHeaders,
} from '../primitives/http.js';
import type { BodyKind, HttpMethod, HttpRequestKnobs } from '../primitives/http.js';

/** How the request was routed: `$default` catch-all, a `METHOD /template` route, or an `ANY /template` route. */
export type HttpRouteKind = 'default' | 'method' | 'any';
/** Which authorizer, if any, the route uses. */
export type HttpAuthorizer = 'none' | 'jwt' | 'iam' | 'lambda';

/** Generator options for {@link apigwHttpEvent}; every list must be non-empty. */
export interface ApigwHttpEventConstraints {
  readonly methods?: readonly HttpMethod[];
  /** Body kinds; only POST, PUT and PATCH requests carry a body. */
  readonly bodyKinds?: readonly BodyKind[];
  /** Most distinct query parameters (0 = never a query string). Default 4. */
  readonly maxQueryParams?: number;
  readonly routeKinds?: readonly HttpRouteKind[];
  readonly authorizers?: readonly HttpAuthorizer[];
  /** Route templates (`/orders/{orderId}`, `/{proxy+}`). Default: a realistic mix. */
  readonly routes?: readonly string[];
}

/**
 * An API Gateway HTTP API event (payload format 2.0).
 *
 * Knobs drawn with fast-check: method, query size, body kind, cookies, route kind, authorizer; the rest comes from
 * one entropy seed. Keeps the FIELDS.md §2 invariants: lower-case header names, cookies split out of the headers,
 * `body` absent when empty, `rawQueryString` ↔ `queryStringParameters`, `content-length` = decoded body bytes,
 * `http.path` = `rawPath`, `http.userAgent`, `routeKey` ↔ path parameters, 16-char `requestId`.
 *
 * Injection points: see {@link apigwHttp}.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function apigwHttpEvent(constraints: ApigwHttpEventConstraints = {}): fc.Arbitrary<APIGatewayProxyEventV2> {
  const routes = constraints.routes ?? ROUTE_TEMPLATES;
  return fc
    .tuple(
      fc.constantFrom(...(constraints.methods ?? HTTP_METHODS)),
      fc.integer({ min: 0, max: constraints.maxQueryParams ?? 4 }),
      fc.constantFrom(...(constraints.bodyKinds ?? BODY_KINDS)),
      fc.boolean(),
      fc.constantFrom(...(constraints.routeKinds ?? (['method', 'default', 'any'] as const))),
      fc.constantFrom(...(constraints.authorizers ?? (['none', 'jwt', 'iam', 'lambda'] as const))),
      entropySeed(),
    )
    .map(([method, queryParams, bodyKind, cookies, routeKind, authorizer, seed]) =>
      httpEvent(new Entropy(seed), { method, queryParams, bodyKind, cookies }, routes, routeKind, authorizer));
}

function httpEvent(
  e: Entropy, knobs: HttpRequestKnobs, routes: readonly string[], routeKind: HttpRouteKind, authorizer: HttpAuthorizer,
): APIGatewayProxyEventV2 {
  const request = httpRequest(e, knobs, e.pick(routes));
  const apiId = e.alnumLower(10);
  const apiRegion = region(e);
  const domainName = `${apiId}.execute-api.${apiRegion}.amazonaws.com`;
  const stage = e.bool(0.75) ? '$default' : e.pick(STAGES);
  const rawPath = stage === '$default' ? request.path : `/${stage}${request.path}`;
  const epoch = request.epochMs;
  const routeKey = routeKind === 'default' ? '$default' : `${routeKind === 'any' ? 'ANY' : request.method} ${request.template}`;

  const headers: Record<string, string> = {};
  const entries: [string, string][] = [];
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    // Repeated headers are joined with ',' and no space (FIELDS.md §2).
    if (Object.hasOwn(headers, key)) headers[key] = `${headers[key]},${value}`;
    else {
      headers[key] = value;
      entries.push([key, value]);
    }
  };
  for (const [name, value] of request.headers) add(name, value);
  const iam = authorizer === 'iam' ? iamCaller(e) : undefined;
  if (iam !== undefined) {
    add('authorization', `AWS4-HMAC-SHA256 Credential=${iam.accessKey}/${new Date(epoch).toISOString().slice(0, 10).replace(/-/g, '')}/${apiRegion}/execute-api/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=${e.hex(64)}`);
    for (const [name, value] of sigV4Headers(e, epoch)) add(name, value);
  } else if (authorizer !== 'none' || e.bool(0.2)) add('authorization', `Bearer ${fakeJwt(e)}`);
  const { body } = request;
  const isBase64Encoded = body !== null && !isTextMediaType(body.contentType);
  const bodyText = body === null ? undefined : body.kind === 'binary' ? body.bytes.toString('base64') : isBase64Encoded ? Buffer.from(body.text).toString('base64') : body.text;
  add('content-length', String(bodyByteLength(bodyText, isBase64Encoded)));
  add('host', domainName);
  add('x-amzn-trace-id', `Root=${traceRoot(e, epoch)}`);
  add('x-forwarded-for', e.bool(0.1) ? `${publicIpv4(e)}, ${request.sourceIp}` : request.sourceIp);
  add('x-forwarded-port', '443');
  add('x-forwarded-proto', 'https');
  for (const entry of sortHeaders(entries)) entry[1] = headers[entry[0]]!;

  const rawQueryString = request.query.map(([k, v]) => `${encodeQueryComponent(k)}=${encodeQueryComponent(v)}`).join('&');
  const queryStringParameters = queryMapOf(rawQueryString);
  // Keys are assigned in AWS's order; conditional spreads would be slower (this runs for every event).
  const requestContext: APIGatewayEventRequestContextV2 & { authorizer?: unknown } = { accountId: accountId(e), apiId } as APIGatewayEventRequestContextV2;
  if (authorizer === 'jwt') requestContext.authorizer = { jwt: jwtAuthorizer(e, apiRegion, epoch) };
  else if (iam !== undefined) requestContext.authorizer = { iam: { ...iam, cognitoIdentity: null, principalOrgId: null, userId: iam.callerId } };
  else if (authorizer === 'lambda') requestContext.authorizer = { lambda: { userId: e.uuid(), tenantId: `t-${e.digits(4)}`, scopes: ['orders:read'] } };
  requestContext.domainName = domainName;
  requestContext.domainPrefix = apiId;
  requestContext.http = { method: request.method, path: rawPath, protocol: request.protocol, sourceIp: request.sourceIp, userAgent: request.userAgent };
  requestContext.requestId = shortRequestId(e);
  requestContext.routeKey = routeKey;
  requestContext.stage = stage;
  requestContext.time = clfTime(epoch);
  requestContext.timeEpoch = epoch;

  const event = { version: '2.0', routeKey, rawPath, rawQueryString } as APIGatewayProxyEventV2;
  if (request.cookies.length > 0) event.cookies = [...request.cookies];
  event.headers = Object.fromEntries(entries);
  if (queryStringParameters !== undefined) event.queryStringParameters = queryStringParameters;
  event.requestContext = requestContext;
  if (bodyText !== undefined) event.body = bodyText;
  if (routeKind !== 'default' && request.pathParameters !== null) event.pathParameters = request.pathParameters;
  event.isBase64Encoded = isBase64Encoded;
  if (e.bool(0.1)) event.stageVariables = { lambdaAlias: e.pick(['live', 'canary']) };
  return event;
}

function jwtAuthorizer(e: Entropy, apiRegion: string, epoch: number): { claims: Record<string, string>; scopes: string[] | null } {
  const access = e.bool(0.4);
  return { claims: cognitoClaims(e, apiRegion, epoch, 'jwt', access ? 'access' : 'id'), scopes: access ? ['openid', 'orders/read'] : null };
}

/** The route template of a `METHOD /template` route key, or `undefined` for `$default`. */
const routeTemplate = (routeKey: string): string | undefined => (routeKey === '$default' ? undefined : routeKey.slice(routeKey.indexOf(' ') + 1));

const sameParams = (a: Readonly<Record<string, string | undefined>> | undefined, b: Readonly<Record<string, string | undefined>> | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]));

/**
 * Restores the derived fields of an HTTP API event after attacker-controlled fields were written (pure; copies
 * only what changes): `rawQueryString` from `queryStringParameters` (unchanged keys keep their raw pairs),
 * `isBase64Encoded` and the body's encoding from `content-type`, `content-length` from the decoded body,
 * `http.userAgent` from `user-agent`, and `rawPath` ↔ `pathParameters`: `http.path` still holds the previous path,
 * so a changed `rawPath` re-derives the parameters, otherwise changed parameters rebuild `rawPath`.
 */
export function syncHttpEvent(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 {
  const out: Partial<APIGatewayProxyEventV2> = {};
  const http = event.requestContext.http;
  const httpPatch: Partial<typeof http> = {};
  let { headers } = event;
  const setHeader = (name: string, value: string): void => {
    if (headers[name] !== value) headers = { ...headers, [name]: value };
  };

  let query = event.queryStringParameters;
  if (query !== undefined && Object.keys(query).length === 0) query = undefined;
  const rawQueryString = rawQueryFor(event.rawQueryString, query);
  if (rawQueryString !== event.rawQueryString) out.rawQueryString = rawQueryString;

  let body = event.body;
  const base64 = body !== undefined && !isTextMediaType(headers['content-type']);
  if (base64 !== event.isBase64Encoded) {
    out.isBase64Encoded = base64;
    if (body !== undefined) out.body = body = recodeBody(body, event.isBase64Encoded, base64);
  }
  setHeader('content-length', String(bodyByteLength(body, base64)));

  const userAgent = headers['user-agent'] ?? '';
  if (http.userAgent !== userAgent) httpPatch.userAgent = userAgent;

  const template = routeTemplate(event.routeKey);
  const prefix = event.requestContext.stage === '$default' ? '' : `/${event.requestContext.stage}`;
  let rawPath = event.rawPath;
  if (template !== undefined) {
    if (http.path !== rawPath) {
      const params = rawPath.startsWith(prefix) ? matchTemplate(template, rawPath.slice(prefix.length)) : undefined;
      if (params !== undefined && !sameParams(params ?? undefined, event.pathParameters)) out.pathParameters = params ?? {};
    } else if (event.pathParameters !== undefined) {
      const rebuilt = prefix + fillTemplate(template, event.pathParameters);
      if (rebuilt !== rawPath) out.rawPath = rawPath = rebuilt;
    }
  }
  if (http.path !== rawPath) httpPatch.path = rawPath;

  if (headers !== event.headers) out.headers = headers;
  if (Object.keys(httpPatch).length > 0) out.requestContext = { ...event.requestContext, http: { ...http, ...httpPatch } };
  const next = Object.keys(out).length > 0 ? { ...event, ...out } : event;
  if (query === undefined && next.queryStringParameters !== undefined) {
    const { queryStringParameters: _dropped, ...rest } = next;
    return rest;
  }
  return next;
}

const HEADER_POINTS = ['accept', 'accept-language', 'authorization', 'content-type', 'origin', 'referer', 'user-agent', 'x-custom-header', 'x-request-id'] as const;

/**
 * The HTTP API (payload 2.0) source. Injection points (FIELDS.md §2 "Who controls what"):
 * - `rawPath` (percent-decoded) and `pathParameters[*]`;
 * - `queryStringParameters[*]` (`rawQueryString` follows, percent-encoded);
 * - `headers.<name>` for client headers: accept, accept-language, authorization, content-type, origin, referer,
 *   user-agent, x-custom-header, x-request-id (never host, x-forwarded-*, x-amzn-trace-id, content-length);
 * - `cookies[*]<cookie-pair>` (each cookie value);
 * - `body<http-body>` (whole body) and `body<http-body><json>.**` (every string leaf of a JSON body).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export const apigwHttp = defineEventSource<APIGatewayProxyEventV2>({
  id: 'apigw-http',
  title: 'API Gateway HTTP API (payload 2.0)',
  arbitrary: () => apigwHttpEvent(),
  // `GET /orders` on a method route: no query string, no body, no authorizer.
  plain: () => plainEvent(apigwHttpEvent({ methods: ['GET'], maxQueryParams: 0, bodyKinds: ['none'], routeKinds: ['method'], authorizers: ['none'], routes: ['/orders'] }), [], syncHttpEvent),
  injectionPoints: [
    { path: ['rawPath'], kind: 'path', accepts: acceptsDecodedPath },
    { path: ['pathParameters', '*'], kind: 'path', accepts: acceptsDecodedSegment },
    { path: ['queryStringParameters', '*'], kind: 'query', accepts: isWellFormed },
    ...HEADER_POINTS.map((name): InjectionPoint => ({ path: ['headers', name], kind: 'header', accepts: acceptsHeaderValue })),
    { path: ['cookies', '*', { codec: 'cookie-pair' }], kind: 'cookie', accepts: acceptsCookieValue },
    { path: ['body', { codec: 'http-body' }], kind: 'body', accepts: acceptsBody },
    { path: ['body', { codec: 'http-body' }, { codec: 'json' }, '**'], kind: 'body', accepts: isWellFormed },
  ],
  sync: syncHttpEvent,
});
