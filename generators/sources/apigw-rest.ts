import type { APIGatewayEventIdentity, APIGatewayEventRequestContext, APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import type { InjectionPoint } from '../types.js';
import { defineEventSource } from '../types.js';
import { plainEvent } from '../plain.js';
import { accountId, clfTime, publicIpv4, region, STAGES, traceRoot } from '../primitives/aws.js';
import { edgeHeaders } from '../primitives/cloudfront.js';
import { Entropy, entropySeed } from '../primitives/entropy.js';
import { cognitoClaims, iamCaller, lambdaAuthorizerContext, sigV4Headers } from '../primitives/http-auth.js';
import type { IamCaller } from '../primitives/http-auth.js';
import {
  acceptsBody, acceptsCookieValue, acceptsHeaderValue, acceptsRawPath, acceptsRawSegment, isWellFormed, recodeBody,
} from '../primitives/http-fields.js';
import {
  BODY_KINDS, fakeJwt, fillTemplate, headerValue, HTTP_METHODS, httpRequest, isBinaryMediaType, matchTemplate,
  ROUTE_TEMPLATES, shortRequestId, sortHeaders,
} from '../primitives/http.js';
import type { BodyKind, HttpMethod, HttpRequest } from '../primitives/http.js';

/** How the REST API is deployed: edge-optimized (behind CloudFront) or regional. Private APIs look regional. */
export type RestEndpointType = 'regional' | 'edge';
/** Which authorizer, if any, sits in front of the method. */
export type RestAuthorizer = 'none' | 'cognito' | 'lambda' | 'iam';

/** Generator options for {@link apigwRestEvent}; every list must be non-empty. */
export interface ApigwRestEventConstraints {
  readonly methods?: readonly HttpMethod[];
  /** Body kinds; only POST, PUT and PATCH requests carry a body. */
  readonly bodyKinds?: readonly BodyKind[];
  /** Most distinct query parameters (0 = never a query string). Default 4. */
  readonly maxQueryParams?: number;
  readonly endpoints?: readonly RestEndpointType[];
  readonly authorizers?: readonly RestAuthorizer[];
  /** Resource templates to route to (`/orders/{orderId}`, `/{proxy+}`). Default: a realistic mix. */
  readonly resources?: readonly string[];
}

/**
 * An API Gateway REST API (Lambda proxy integration, payload format 1.0) event.
 *
 * A handful of shrinkable knobs are drawn with fast-check (method, query size, body kind, cookies, endpoint type,
 * authorizer); every cosmetic field comes from one entropy seed, which keeps generation fast.
 * Keeps the FIELDS.md §1 invariants: single/multi-value maps agree and are `null` together, mirrored fields,
 * CLF time and trace root match the epoch, edge vs regional headers, no `Content-Length`.
 *
 * Injection points: see {@link apigwRest}.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 */
export function apigwRestEvent(constraints: ApigwRestEventConstraints = {}): fc.Arbitrary<APIGatewayProxyEvent> {
  const resources = constraints.resources ?? ROUTE_TEMPLATES;
  return fc
    .tuple(
      fc.constantFrom(...(constraints.methods ?? HTTP_METHODS)),
      fc.integer({ min: 0, max: constraints.maxQueryParams ?? 4 }),
      fc.constantFrom(...(constraints.bodyKinds ?? BODY_KINDS)),
      fc.boolean(),
      fc.constantFrom(...(constraints.endpoints ?? (['regional', 'edge'] as const))),
      fc.constantFrom(...(constraints.authorizers ?? (['none', 'cognito', 'lambda', 'iam'] as const))),
      entropySeed(),
    )
    .map(([method, queryParams, bodyKind, cookies, endpoint, authorizer, seed]) => {
      const e = new Entropy(seed);
      const request = httpRequest(e, { method, queryParams, bodyKind, cookies }, e.pick(resources));
      return restEvent(e, request, endpoint, authorizer);
    });
}

function restEvent(e: Entropy, request: HttpRequest, endpoint: RestEndpointType, authorizer: RestAuthorizer): APIGatewayProxyEvent {
  const apiId = e.alnumLower(10);
  const apiRegion = region(e);
  const domainName = `${apiId}.execute-api.${apiRegion}.amazonaws.com`;
  const stage = e.pick(STAGES);
  const epoch = request.epochMs;
  const iam = authorizer === 'iam' ? iamCaller(e) : undefined;

  const entries: [string, string[]][] = [];
  const add = (name: string, value: string): void => {
    const found = entries.find(([key]) => key === name);
    if (found === undefined) entries.push([name, [value]]);
    else found[1].push(value);
  };
  for (const [name, value] of request.headers) add(name, value);
  if (request.cookies.length > 0) add('Cookie', request.cookies.join('; '));
  if (authorizer === 'cognito') add('Authorization', fakeJwt(e));
  else if (authorizer === 'lambda' || (authorizer === 'none' && e.bool(0.2))) add('Authorization', `Bearer ${fakeJwt(e)}`);
  else if (iam !== undefined) for (const [name, value] of sigV4Headers(e, epoch)) add(name, value);
  add('Host', domainName);
  add('X-Amzn-Trace-Id', `Root=${traceRoot(e, epoch)}`);
  const clientChain = e.bool(0.1) ? `${publicIpv4(e)}, ${request.sourceIp}` : request.sourceIp;
  if (endpoint === 'edge') {
    const edge = edgeHeaders(e, request.userAgent, request.protocol);
    for (const [name, value] of edge.headers) add(name, value);
    add('X-Forwarded-For', `${clientChain}, ${edge.edgeIp}`);
  } else {
    add('X-Forwarded-For', clientChain);
  }
  add('X-Forwarded-Port', '443');
  add('X-Forwarded-Proto', 'https');
  sortHeaders(entries);

  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, values] of entries) {
    headers[name] = values[values.length - 1]!;
    multiValueHeaders[name] = values;
  }
  let queryStringParameters: Record<string, string> | null = null;
  let multiValueQueryStringParameters: Record<string, string[]> | null = null;
  if (request.query.length > 0) {
    queryStringParameters = {};
    multiValueQueryStringParameters = {};
    for (const [name, value] of request.query) {
      queryStringParameters[name] = value;
      (multiValueQueryStringParameters[name] ??= []).push(value);
    }
  }
  const { body } = request;
  const isBase64Encoded = body !== null && isBinaryMediaType(body.contentType);
  const bodyText = body === null ? null : body.kind === 'binary' ? body.bytes.toString('base64') : isBase64Encoded ? Buffer.from(body.text).toString('base64') : body.text;

  // DT requires `authorizer`; real events without an authorizer omit the key (FIELDS.md §0).
  const requestContext: Omit<APIGatewayEventRequestContext, 'authorizer'> & { authorizer?: APIGatewayEventRequestContext['authorizer']; deploymentId: string } = {
    resourceId: e.alnumLower(6),
    resourcePath: request.template,
    httpMethod: request.method,
    extendedRequestId: shortRequestId(e),
    requestTime: clfTime(epoch),
    path: `/${stage}${request.path}`,
    accountId: accountId(e),
    protocol: request.protocol,
    stage,
    domainPrefix: apiId,
    requestTimeEpoch: epoch,
    requestId: e.uuid(),
    identity: identity(request, iam),
    domainName,
    deploymentId: e.alnumLower(6),
    apiId,
  };
  if (authorizer === 'cognito') requestContext.authorizer = { claims: cognitoClaims(e, apiRegion, epoch, 'rest') };
  else if (authorizer === 'lambda') requestContext.authorizer = lambdaAuthorizerContext(e);

  return {
    resource: request.template,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: request.pathParameters,
    stageVariables: e.bool(0.15) ? { lambdaAlias: e.pick(['live', 'canary']) } : null,
    requestContext: requestContext as APIGatewayEventRequestContext,
    body: bodyText,
    isBase64Encoded,
  };
}

function identity(request: HttpRequest, iam: IamCaller | undefined): APIGatewayEventIdentity {
  // DT requires apiKey, apiKeyId and clientCert; real events carry them only with API keys or mTLS (FIELDS.md §0).
  return {
    cognitoIdentityPoolId: null,
    accountId: iam?.accountId ?? null,
    cognitoIdentityId: null,
    caller: iam?.callerId ?? null,
    sourceIp: request.sourceIp,
    principalOrgId: null,
    accessKey: iam?.accessKey ?? null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: iam?.userArn ?? null,
    userAgent: request.userAgent,
    user: iam?.callerId ?? null,
  } as APIGatewayEventIdentity;
}

type MultiMap = Record<string, string[] | undefined>;

/** `multi` updated so its keys are `single`'s and each last value is `single`'s; the same object when it agrees. */
function syncMulti(single: Readonly<Record<string, string | undefined>> | null, multi: MultiMap | null): MultiMap | null {
  if (single === null) return null;
  let copy: MultiMap | undefined;
  for (const [key, value] of Object.entries(single)) {
    if (value === undefined) continue;
    const values = multi?.[key];
    if (values !== undefined && values[values.length - 1] === value) continue;
    copy ??= { ...multi };
    copy[key] = values !== undefined && values.length > 0 ? [...values.slice(0, -1), value] : [value];
  }
  for (const key of Object.keys(multi ?? {})) {
    if (single[key] !== undefined) continue;
    copy ??= { ...multi };
    delete copy[key];
  }
  return copy ?? multi;
}

const sameParams = (a: Readonly<Record<string, string | undefined>> | null, b: Readonly<Record<string, string | undefined>> | null): boolean =>
  a === b || (a !== null && b !== null && Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]));

/**
 * Restores the derived fields of a REST event after attacker-controlled fields were written (pure; copies only
 * what changes): multi-value maps from the single-value ones (last value replaced), `identity.userAgent` from
 * `User-Agent`, `isBase64Encoded` and the body's encoding from `Content-Type`, and `path` ↔ `pathParameters`:
 * `requestContext.path` still holds the previous path, so a changed `path` re-derives the parameters (when it
 * still matches the resource) and otherwise changed parameters rebuild the path.
 */
export function syncRestEvent(event: APIGatewayProxyEvent): APIGatewayProxyEvent {
  const ctx = event.requestContext;
  const out: { -readonly [K in keyof APIGatewayProxyEvent]?: APIGatewayProxyEvent[K] } = {};
  const ctxPatch: Partial<APIGatewayEventRequestContext> = {};

  let { queryStringParameters: query } = event;
  if (query !== null && Object.keys(query).length === 0) out.queryStringParameters = query = null;
  const multiQuery = syncMulti(query, event.multiValueQueryStringParameters as MultiMap | null);
  if (multiQuery !== event.multiValueQueryStringParameters) out.multiValueQueryStringParameters = multiQuery;
  const multiHeaders = syncMulti(event.headers, event.multiValueHeaders as MultiMap | null);
  if (multiHeaders !== event.multiValueHeaders) out.multiValueHeaders = multiHeaders as APIGatewayProxyEvent['multiValueHeaders'];

  const userAgent = headerValue(event.headers, 'User-Agent') ?? null;
  if (ctx.identity.userAgent !== userAgent) ctxPatch.identity = { ...ctx.identity, userAgent };

  const base64 = event.body !== null && isBinaryMediaType(headerValue(event.headers, 'Content-Type'));
  if (base64 !== event.isBase64Encoded) {
    out.isBase64Encoded = base64;
    if (event.body !== null) out.body = recodeBody(event.body, event.isBase64Encoded, base64);
  }

  const prefix = ctx.path.startsWith(`/${ctx.stage}/`) || ctx.path === `/${ctx.stage}` ? `/${ctx.stage}` : '';
  let path = event.path;
  if (ctx.path !== prefix + path) {
    const params = matchTemplate(event.resource, path);
    if (params !== undefined && !sameParams(params, event.pathParameters)) out.pathParameters = params;
  } else if (event.pathParameters !== null) {
    const rebuilt = fillTemplate(event.resource, event.pathParameters);
    if (rebuilt !== path) out.path = path = rebuilt;
  }
  if (ctx.path !== prefix + path) ctxPatch.path = prefix + path;
  if (ctx.httpMethod !== event.httpMethod) ctxPatch.httpMethod = event.httpMethod;
  if (ctx.resourcePath !== event.resource) ctxPatch.resourcePath = event.resource;

  if (Object.keys(ctxPatch).length > 0) out.requestContext = { ...ctx, ...ctxPatch };
  return Object.keys(out).length > 0 ? { ...event, ...out } : event;
}

/** Client headers (REST keeps the client's casing; these are the canonical names real clients send). */
const HEADER_POINTS = ['Accept', 'Accept-Language', 'Authorization', 'Content-Type', 'Origin', 'Referer', 'User-Agent', 'X-Custom-Header', 'X-Request-Id'] as const;

/**
 * The REST proxy source. Injection points (all attacker-controlled, FIELDS.md §1 "Who controls what"):
 * - `path` (raw, percent-encoding kept) and `pathParameters[*]` (one raw segment);
 * - `queryStringParameters[*]` (decoded values; `multiValueQueryStringParameters` follows);
 * - `headers.<name>` for client headers: Accept, Accept-Language, Authorization, Content-Type, Origin, Referer,
 *   User-Agent, X-Custom-Header, X-Request-Id (never Host, X-Forwarded-*, X-Amzn-Trace-Id or CloudFront-*);
 * - `headers.Cookie<cookie-header>[*]` (each cookie value);
 * - `body<http-body>` (whole body) and `body<http-body><json>.**` (every string leaf of a JSON body).
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
 */
export const apigwRest = defineEventSource<APIGatewayProxyEvent>({
  id: 'apigw-rest',
  title: 'API Gateway REST API (Lambda proxy, payload 1.0)',
  arbitrary: () => apigwRestEvent(),
  // `GET /orders` on a regional endpoint: no query string, no body, no authorizer.
  plain: () => plainEvent(apigwRestEvent({ methods: ['GET'], maxQueryParams: 0, bodyKinds: ['none'], endpoints: ['regional'], authorizers: ['none'], resources: ['/orders'] }), [], syncRestEvent),
  injectionPoints: [
    { path: ['path'], kind: 'path', accepts: acceptsRawPath },
    { path: ['pathParameters', '*'], kind: 'path', accepts: acceptsRawSegment },
    { path: ['queryStringParameters', '*'], kind: 'query', accepts: isWellFormed },
    ...HEADER_POINTS.map((name): InjectionPoint => ({ path: ['headers', name], kind: 'header', accepts: acceptsHeaderValue })),
    { path: ['headers', 'Cookie', { codec: 'cookie-header' }, '*'], kind: 'cookie', accepts: acceptsCookieValue },
    { path: ['body', { codec: 'http-body' }], kind: 'body', accepts: acceptsBody },
    { path: ['body', { codec: 'http-body' }, { codec: 'json' }, '**'], kind: 'body', accepts: isWellFormed },
  ],
  sync: syncRestEvent,
});
