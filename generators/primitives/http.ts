import type { Entropy } from './entropy.js';
import { epochMs, publicIpv4, userAgent } from './aws.js';
import { httpBody } from './http-body.js';
import type { BodyKind, HttpBody } from './http-body.js';

export { BODY_KINDS, httpBody, isBinaryMediaType, isTextMediaType } from './http-body.js';
export type { BodyKind, HttpBody } from './http-body.js';

/** The concrete methods API Gateway puts in events (never `ANY`), the simplest first so they shrink to `GET`. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Whether clients send a body with this method (DELETE/GET bodies exist, but API traffic rarely has them). */
export const methodHasBody = (method: HttpMethod): boolean => method === 'POST' || method === 'PUT' || method === 'PATCH';

/** Resource / route templates as real APIs configure them, including greedy `{proxy+}` ones. */
export const ROUTE_TEMPLATES = [
  '/orders/{orderId}/items', '/orders', '/orders/{orderId}', '/users/{userId}', '/users/{userId}/avatar', '/uploads/{name}',
  '/search', '/login', '/health', '/', '/webhooks/{provider}', '/v1/products/{productId}/reviews/{reviewId}',
  '/reports/{reportId}/download', '/{proxy+}', '/api/{proxy+}',
] as const;

const WORDS = ['orders', 'invoices', 'users', 'reports', 'media', 'static', 'profile', 'settings', 'cart', 'export', 'hello', 'world'] as const;
const FILES = ['report', 'invoice', 'avatar', 'backup', 'photo', 'notes', 'data', 'blob'] as const;
const EXTENSIONS = ['pdf', 'csv', 'png', 'jpg', 'txt', 'json', 'bin', 'zip'] as const;

/** A realistic value for a path parameter, chosen by its name. Values are plain path segments (no encoding needed). */
export function pathParamValue(e: Entropy, name: string): string {
  switch (name) {
    case 'orderId': return e.bool() ? `o-${e.digits(4)}` : e.uuid();
    case 'userId': return e.bool() ? e.uuid() : `u_${e.alnum(10)}`;
    case 'name': return `${e.pick(FILES)}.${e.pick(EXTENSIONS)}`;
    case 'provider': return e.pick(['stripe', 'github', 'slack', 'twilio', 'shopify']);
    case 'productId': return e.digits(e.int(4, 7));
    case 'reviewId': return String(e.int(1, 99_999));
    case 'reportId': return `r-${e.alnumLower(8)}`;
    case 'proxy': {
      const segments: string[] = [e.pick(WORDS)];
      for (let i = e.int(0, 2); i > 0; i--) segments.push(e.bool(0.3) ? `${e.pick(FILES)}.${e.pick(EXTENSIONS)}` : e.pick(WORDS));
      return segments.join('/');
    }
    default: return e.alnumLower(8);
  }
}

interface CompiledTemplate { readonly names: readonly string[]; readonly pattern: RegExp }
const compiled = new Map<string, CompiledTemplate>();

function compile(template: string): CompiledTemplate {
  let found = compiled.get(template);
  if (found === undefined) {
    const names: string[] = [];
    const source = template.replace(/\{([^}+]+)(\+?)\}|[.*+?^$()|[\]\\]/g, (match, name: string | undefined, greedy: string) => {
      if (name === undefined) return `\\${match}`;
      names.push(name);
      return greedy === '+' ? '(.+)' : '([^/]+)';
    });
    found = { names, pattern: new RegExp(`^${source}$`) };
    compiled.set(template, found);
  }
  return found;
}

/** The `{names}` in a template (`{proxy+}` → `proxy`), in order. */
export const templateParamNames = (template: string): readonly string[] => compile(template).names;

/** The path parameters of `path` under `template`: `null` when it has none, `undefined` when the path does not match. */
export function matchTemplate(template: string, path: string): Record<string, string> | null | undefined {
  const { names, pattern } = compile(template);
  const match = pattern.exec(path);
  if (match === null) return undefined;
  if (names.length === 0) return null;
  const params: Record<string, string> = {};
  names.forEach((name, i) => (params[name] = match[i + 1]!));
  return params;
}

/** `template` with its `{names}` replaced by `params` (missing names keep their placeholder). */
export const fillTemplate = (template: string, params: Readonly<Record<string, string | undefined>> | null | undefined): string =>
  template.replace(/\{([^}+]+)\+?\}/g, (placeholder, name: string) => params?.[name] ?? placeholder);

/** A query parameter name and a function giving it a realistic (decoded) value. */
const QUERY_PARAMS: readonly (readonly [string, (e: Entropy) => string])[] = [
  ['page', (e) => String(e.int(1, 40))],
  ['limit', (e) => e.pick(['10', '20', '50', '100'])],
  ['q', (e) => `${e.pick(['blue', 'red', 'wireless', 'summer'])} ${e.pick(['shoes', 'headphones', 'dress', 'lamp'])}`],
  ['sort', (e) => e.pick(['created_at', '-created_at', 'price', 'name'])],
  ['tag', (e) => e.pick(['red', 'blue', 'sale', 'new', 'featured'])],
  ['status', (e) => e.pick(['open', 'shipped', 'cancelled', 'pending'])],
  ['lang', (e) => e.pick(['en', 'de', 'fr-FR', 'pt-BR'])],
  ['from', (e) => new Date(epochMs(e)).toISOString().slice(0, 10)],
  ['redirect', (e) => `https://${e.pick(['app.example.com', 'www.example.org'])}/${e.pick(WORDS)}`],
  ['fields', (e) => e.pick(['id,name', 'id,total,status', 'email'])],
  ['file', (e) => `${e.pick(FILES)}.${e.pick(EXTENSIONS)}`],
  ['id', (e) => e.uuid()],
];

/** `count` distinct query parameters as decoded `[name, value]` pairs, sometimes with a repeated `tag`. */
export function queryPairs(e: Entropy, count: number): [string, string][] {
  const pairs: [string, string][] = [];
  const start = e.int(0, QUERY_PARAMS.length - 1);
  for (let i = 0; i < count && i < QUERY_PARAMS.length; i++) {
    const [name, value] = QUERY_PARAMS[(start + i * 5) % QUERY_PARAMS.length]!;
    pairs.push([name, value(e)]);
    if (name === 'tag' && e.bool(0.5)) pairs.push([name, value(e)]);
  }
  return pairs;
}

/** An IPv6 client address in a common allocation. */
export const publicIpv6 = (e: Entropy): string =>
  `${e.pick(['2a02', '2600', '2001', '2607', '2a01'])}:${e.hex(4)}:${e.hex(4)}:${e.hex(4)}:${e.hex(4)}:${e.hex(4)}:${e.hex(4)}:${e.hex(4)}`;

const ORIGINS = ['https://app.example.com', 'https://www.example.org', 'https://dashboard.acme.io'] as const;
const ACCEPTS = ['*/*', 'application/json', 'application/json, */*;q=0.5', 'application/json, text/plain, */*', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'] as const;
const COOKIE_NAMES = ['session', 'theme', 'lang', '_ga', 'csrftoken', 'cart_id'] as const;

/** What a client sent, before API Gateway adds its own headers and shapes it into a v1 or v2 event. */
export interface HttpRequest {
  readonly method: HttpMethod;
  readonly template: string;
  /** The path as sent (no stage prefix). */
  readonly path: string;
  readonly pathParameters: Record<string, string> | null;
  /** Decoded query pairs in order; a name may repeat. */
  readonly query: readonly (readonly [string, string])[];
  /** Client headers in canonical case, in order, a name may repeat; no `Cookie` and none of the AWS-set ones. */
  readonly headers: readonly (readonly [string, string])[];
  /** `name=value` cookies, empty when the client sent no `Cookie` header. */
  readonly cookies: readonly string[];
  readonly body: HttpBody | null;
  readonly userAgent: string;
  readonly sourceIp: string;
  readonly epochMs: number;
  readonly protocol: 'HTTP/1.1' | 'HTTP/2.0';
}

/** The few drawn choices that shape a request; everything else comes from the entropy stream. */
export interface HttpRequestKnobs {
  readonly method: HttpMethod;
  readonly queryParams: number;
  readonly bodyKind: BodyKind;
  readonly cookies: boolean;
}

/** Builds a client request from the drawn knobs and one entropy stream. */
export function httpRequest(e: Entropy, knobs: HttpRequestKnobs, template: string): HttpRequest {
  const names = templateParamNames(template);
  let pathParameters: Record<string, string> | null = null;
  if (names.length > 0) {
    pathParameters = {};
    for (const name of names) pathParameters[name] = pathParamValue(e, name);
  }
  const ua = userAgent(e);
  const body = methodHasBody(knobs.method) && knobs.bodyKind !== 'none' ? httpBody(e, knobs.bodyKind, template) : null;
  const headers: [string, string][] = [['Accept', e.pick(ACCEPTS)], ['Accept-Encoding', e.pick(['gzip, deflate', 'gzip, deflate, br'])]];
  if (e.bool(0.4)) headers.push(['Accept-Language', e.pick(['en-US,en;q=0.9', 'de-DE,de;q=0.9,en;q=0.8', 'fr-FR,fr;q=0.9'])]);
  if (body !== null) headers.push(['Content-Type', body.contentType]);
  if (ua.startsWith('Mozilla') && e.bool(0.6)) {
    const origin = e.pick(ORIGINS);
    headers.push(['Origin', origin], ['Referer', `${origin}/${e.pick(WORDS)}`]);
  }
  if (e.bool(0.25)) headers.push(['X-Request-Id', e.uuid()]);
  if (e.bool(0.15)) headers.push(['X-Custom-Header', 'first'], ['X-Custom-Header', e.pick(['second', 'b', e.alnumLower(6)])]);
  headers.push(['User-Agent', ua]);
  const cookies: string[] = [];
  if (knobs.cookies) {
    const start = e.int(0, COOKIE_NAMES.length - 1);
    for (let i = e.int(1, 3); i > 0; i--) cookies.push(`${COOKIE_NAMES[(start + i) % COOKIE_NAMES.length]}=${e.alnum(e.int(8, 24))}`);
  }
  return {
    method: knobs.method, template, path: fillTemplate(template, pathParameters), pathParameters,
    query: queryPairs(e, knobs.queryParams), headers, cookies, body, userAgent: ua,
    sourceIp: e.bool(0.85) ? publicIpv4(e) : publicIpv6(e), epochMs: epochMs(e), protocol: e.bool(0.7) ? 'HTTP/1.1' : 'HTTP/2.0',
  };
}

/** Base64url alphabet (JWTs, CloudFront ids). */
export const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * `length` random ASCII characters from `alphabet`, written into one buffer. `Entropy#chars` appends a character
 * at a time, which leaves a rope of one heap object per character; for tokens of hundreds of characters that
 * garbage, not the randomness, dominated generation time.
 */
export function randomText(e: Entropy, alphabet: string, length: number): string {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = alphabet.charCodeAt(Math.floor(e.next() * alphabet.length));
  return bytes.toString('latin1');
}

/** A JWT-looking bearer token (header.payload.signature, base64url); never valid, only realistic. */
export const fakeJwt = (e: Entropy): string =>
  `eyJraWQiOiJ${randomText(e, URL_SAFE, 40)}.eyJzdWIiOiJ${randomText(e, URL_SAFE, e.int(180, 320))}.${randomText(e, URL_SAFE, 86)}`;

/** 15 base64 chars and `=`: the shape of `extendedRequestId` and HTTP API `requestId` (`ZhDrKF5dDoEEHfA=`). */
export const shortRequestId = (e: Entropy): string => `${e.alnum(15)}=`;

/** Sorts header entries by lower-cased name, as API Gateway delivers them. */
export function sortHeaders<T extends readonly [string, unknown]>(entries: T[]): T[] {
  const keyed = entries.map((entry) => ({ key: entry[0].toLowerCase(), entry }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) entries[i] = keyed[i]!.entry;
  return entries;
}

/** The first value of header `name` in any case, or `undefined`. */
export function headerValue(headers: Readonly<Record<string, string | undefined>> | null | undefined, name: string): string | undefined {
  if (headers == null) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}
