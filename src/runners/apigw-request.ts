/**
 * API Gateway's mapping, run backwards and forwards, for the HTTP runner: a proxy-integration event (REST payload 1.0,
 * HTTP API payload 1.0 or 2.0) becomes the HTTP request a client would have sent to produce it, and the HTTP response
 * becomes the `Outcome` the local runners would have reported for the handler's proxy result. Pure: no I/O, no clock.
 */
import { Buffer } from 'node:buffer';
import { encodeComponent, encodeDecodedPath, encodeRawPath, encodeRawQuery } from './percent-encode.js';

// The response half of the mapping lives in apigw-response.ts (one job per module); re-exported so both halves are
// reachable from here.
export type { HttpResponseParts, ProxyResultValue } from './apigw-response.js';
export { observationFromResponse, outcomeFromResponse, REMOTE_INSTANCE } from './apigw-response.js';

/** The event sources whose events are HTTP requests. */
export type ApigwSource = 'apigw-rest' | 'apigw-http';

/** A value the mapping could not send as it was: a fuzzed or mutated event may hold what no client can put on the wire. */
export interface RequestAdjustment {
  /** Where in the event, e.g. `headers.X-Custom-Header`, `httpMethod`, `rawPath`. */
  readonly field: string;
  /** `dropped`: not sent; `encoded`: sent in another form (percent-encoded, UTF-8 bytes); `replaced`: another value sent. */
  readonly action: 'dropped' | 'encoded' | 'replaced';
  /** Why, without the value (it may be a payload or a secret). */
  readonly reason: string;
}

/** What to send: everything undici's `dispatcher.request` needs besides the origin. */
export interface HttpRequestParts {
  readonly method: string;
  /** The request target: base path, event path and query string, percent-encoded, starting with `/`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer | undefined;
  readonly adjustments: readonly RequestAdjustment[];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Characters undici (and HTTP) refuses in a header value: controls except tab. Above 0xff is handled apart. */
const HEADER_CTL = /[\x00-\x08\x0a-\x1f\x7f]/;
const NON_LATIN1 = /[^\x00-\xff]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * Never copied from the event: connection-level (hop-by-hop) headers describe the connection API Gateway received, not
 * the request; undici writes `host` and `content-length` itself and refuses `expect`, `upgrade`, `transfer-encoding`.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);
const SET_BY_UNDICI = new Set(['host', 'content-length']);


type Record_ = Record<string, unknown>;
const isRecord = (value: unknown): value is Record_ => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The request a client sends so that API Gateway, in front of `base`, delivers `event`. Never throws: what cannot go
 * on the wire is encoded or left out, and `adjustments` says which field and why (never the value).
 *
 * - Shape: payload 2.0 when `version` is `"2.0"` or the event has `rawPath`; otherwise 1.0 (REST, or an HTTP API on
 *   payload 1.0); `source` decides only for an event that has neither path field.
 * - Path: 1.0 `path` keeps the client's percent-encoding (sent as is, with characters that are not legal in a path
 *   percent-encoded); 2.0 `rawPath` arrives percent-decoded, so it is encoded again (an original `%2F` cannot be told
 *   from `/`). 2.0 `rawPath` includes `/{stage}` on a named stage: that prefix is removed, because the stage is the base
 *   URL's (`https://…/staging`) and the event's own stage is whatever the generator or sample had.
 * - Query: 1.0 from `multiValueQueryStringParameters` (all values, in order) kept in step with
 *   `queryStringParameters` (which wins where they disagree, as the event's handler reads it); 2.0 `rawQueryString`
 *   when it still parses to `queryStringParameters`, else rebuilt from that map.
 * - Headers: 1.0 `multiValueHeaders` kept in step with `headers` the same way; 2.0 `headers`, with `cookies` as one
 *   `Cookie` header. A header value with CR, LF, NUL or another control is dropped; one with characters beyond
 *   Latin-1 is sent as its UTF-8 bytes (what a client sending that text writes); an invalid name is dropped.
 * - Method: a method that is not an HTTP token (or `CONNECT`, which asks for a tunnel) is replaced by `POST` when
 *   there is a body and `GET` otherwise.
 * - Body: base64-decoded when `isBase64Encoded` is `true`, else UTF-8; a non-string body is sent as its JSON.
 */
export function requestFromEvent(event: unknown, source: ApigwSource, base: URL): HttpRequestParts {
  const adjustments: RequestAdjustment[] = [];
  const note = adjustments;
  const basePath = base.pathname.replace(/\/+$/, '');
  if (!isRecord(event)) {
    noteIn(note, 'event', 'dropped', 'the event is not an object: sent GET of the base URL');
    return { method: 'GET', path: basePath === '' ? '/' : basePath, headers: {}, body: undefined, adjustments };
  }
  const v2 = event['version'] === '2.0' || (event['version'] !== '1.0' && (typeof event['rawPath'] === 'string' || (typeof event['path'] !== 'string' && source === 'apigw-http')));
  const body = bodyOf(event, note);
  const method = methodOf(v2 ? readPath(event, ['requestContext', 'http', 'method']) : event['httpMethod'], v2 ? 'requestContext.http.method' : 'httpMethod', body !== undefined, note);
  const target = v2 ? v2Path(event, base, note) : v1Path(event, note);
  const query = v2 ? v2Query(event, note) : v1Query(event, note);
  const headers = v2 ? v2Headers(event, note) : v1Headers(event, note);
  const path = `${basePath}${target}${query === '' ? '' : `?${query}`}`;
  return { method, path: path.startsWith('/') ? path : `/${path}`, headers, body, adjustments };
}

/**
 * Where the mapping notes what it could not send as it was. A list every function appends to, not a callback: the
 * mapping runs once per request, and a closure made per call (with the name helper a TypeScript loader adds to each)
 * cost more than the notes ever do.
 */
type Note = RequestAdjustment[];

function noteIn(note: Note, field: string, action: RequestAdjustment['action'], reason: string): void {
  note.push({ field, action, reason });
}

function readPath(value: unknown, keys: readonly string[]): unknown {
  let at = value;
  for (const key of keys) at = isRecord(at) ? at[key] : undefined;
  return at;
}

function methodOf(value: unknown, field: string, hasBody: boolean, note: Note): string {
  const fallback = hasBody ? 'POST' : 'GET';
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    noteIn(note, field, 'replaced', `not an HTTP method token: sent ${fallback}`);
    return fallback;
  }
  if (value.toUpperCase() === 'CONNECT') {
    noteIn(note, field, 'replaced', `CONNECT opens a tunnel, not a request: sent ${fallback}`);
    return fallback;
  }
  return value;
}

function v1Path(event: Record_, note: Note): string {
  const path = event['path'];
  if (typeof path !== 'string') {
    noteIn(note, 'path', 'replaced', 'not a string: sent /');
    return '/';
  }
  const encoded = encodeRawPath(path.startsWith('/') ? path : `/${path}`);
  if (encoded !== path) noteIn(note, 'path', 'encoded', 'characters a request path cannot carry were percent-encoded');
  return encoded;
}

function v2Path(event: Record_, base: URL, note: Note): string {
  const raw = event['rawPath'];
  if (typeof raw !== 'string') {
    noteIn(note, 'rawPath', 'replaced', 'not a string: sent /');
    return '/';
  }
  let path = raw;
  const stage = readPath(event, ['requestContext', 'stage']);
  // Without a stage in the event, the base URL's last segment is the best guess of the stage the path was captured on.
  const prefix = typeof stage === 'string' ? (stage === '$default' ? '' : stage) : (base.pathname.split('/').filter(Boolean).at(-1) ?? '');
  if (prefix !== '' && (path === `/${prefix}` || path.startsWith(`/${prefix}/`))) path = path.slice(prefix.length + 1) || '/';
  if (LONE_SURROGATE.test(path)) noteIn(note, 'rawPath', 'encoded', 'lone surrogates sent as U+FFFD');
  return encodeDecodedPath(path.startsWith('/') ? path : `/${path}`);
}


function v2Query(event: Record_, note: Note): string {
  const raw = event['rawQueryString'];
  const map = isRecord(event['queryStringParameters']) ? event['queryStringParameters'] : {};
  if (typeof raw === 'string' && sameMap(parseQuery(raw), map)) return encodeRawQuery(raw);
  if (raw !== undefined && raw !== '') noteIn(note, 'rawQueryString', 'replaced', 'did not match queryStringParameters: rebuilt from them');
  const out: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (typeof value === 'string') out.push(`${encodeComponent(key)}=${encodeComponent(value)}`);
    else if (value !== undefined && value !== null) noteIn(note, `queryStringParameters.${key}`, 'dropped', 'not a string');
  }
  return out.join('&');
}

/** HTTP API's own reading of a raw query: decoded pairs, repeated keys comma-joined. */
function parseQuery(raw: string): Record<string, string> {
  const map: Record<string, string> = Object.create(null) as Record<string, string>;
  if (raw === '') return map;
  for (const pair of raw.split('&')) {
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    map[key] = Object.hasOwn(map, key) ? `${map[key]},${value}` : value;
  }
  return map;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function sameMap(a: Record<string, string>, b: Record_): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/** Receives 1.0's merged lists one name at a time: an object per request, not a closure per call. */
interface MultiValueSink {
  add(name: string, values: readonly string[], note: Note): void;
}

/**
 * 1.0's two maps as one list per name, handed to `sink`: the multi-value lists, with each last value replaced by the
 * single-value map's where they disagree (the handler most often reads the single map, and the generator's sync does
 * the same). Called for every request: no intermediate pairs, sets or field strings unless something is noted.
 */
function multiValued(singleMap: unknown, multiMap: unknown, field: string, note: Note, sink: MultiValueSink): void {
  const single = isRecord(singleMap) ? singleMap : {};
  const multi = isRecord(multiMap) ? multiMap : {};
  for (const name of Object.keys(multi)) mergedValues(single, multi, name, field, note, sink);
  for (const name of Object.keys(single)) if (!Object.hasOwn(multi, name)) mergedValues(single, multi, name, field, note, sink);
}

function mergedValues(single: Record_, multi: Record_, name: string, field: string, note: Note, sink: MultiValueSink): void {
  // Own properties only: a field named `constructor` or `__proto__` is a name like any other, not Object's.
  const listed = Object.hasOwn(multi, name) ? multi[name] : undefined;
  const values: string[] = [];
  if (Array.isArray(listed)) {
    for (const value of listed as unknown[]) {
      const text = scalar(value);
      if (text === undefined) noteIn(note, `multiValue${field[0]!.toUpperCase()}${field.slice(1)}.${name}`, 'dropped', 'a value that is not a string');
      else values.push(text);
    }
  }
  const last = Object.hasOwn(single, name) ? single[name] : undefined;
  if (last !== undefined && last !== null) {
    const text = scalar(last);
    if (text === undefined) noteIn(note, `${field}.${name}`, 'dropped', 'not a string');
    else if (values.length === 0) values.push(text);
    else if (values[values.length - 1] !== text) values[values.length - 1] = text;
  }
  if (values.length > 0) sink.add(name, values, note);
}

class QueryText implements MultiValueSink {
  text = '';
  add(name: string, values: readonly string[]): void {
    const key = encodeComponent(name);
    for (const value of values) this.text += `${this.text === '' ? '' : '&'}${key}=${encodeComponent(value)}`;
  }
}

function v1Query(event: Record_, note: Note): string {
  const query = new QueryText();
  multiValued(event['queryStringParameters'], event['multiValueQueryStringParameters'], 'queryStringParameters', note, query);
  return query.text;
}

class HeaderMap implements MultiValueSink {
  readonly headers = Object.create(null) as Record<string, string | string[]>; // `constructor`, `__proto__` are header names too
  add(name: string, values: readonly string[], note: Note): void {
    let wire: string | string[] | undefined;
    for (const value of values) {
      const sent = headerValue('headers.', name, value, note);
      if (sent === undefined) continue;
      if (wire === undefined) wire = sent;
      else if (typeof wire === 'string') wire = [wire, sent];
      else wire.push(sent);
    }
    if (wire !== undefined) this.headers[name] = wire;
  }
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function v1Headers(event: Record_, note: Note): Record<string, string | string[]> {
  const map = new HeaderMap();
  multiValued(event['headers'], event['multiValueHeaders'], 'headers', note, map);
  return map.headers;
}

function v2Headers(event: Record_, note: Note): Record<string, string> {
  const headers = Object.create(null) as Record<string, string>;
  const cookies = Array.isArray(event['cookies']) ? stringsOf(event['cookies'] as unknown[]) : undefined;
  for (const [name, value] of Object.entries(isRecord(event['headers']) ? event['headers'] : {})) {
    if (value === undefined || value === null) continue;
    if (cookies !== undefined && name.toLowerCase() === 'cookie') {
      noteIn(note, `headers.${name}`, 'dropped', 'the event also has cookies, which API Gateway builds from the Cookie header');
      continue;
    }
    const text = scalar(value);
    if (text === undefined) {
      noteIn(note, `headers.${name}`, 'dropped', 'not a string');
      continue;
    }
    const wire = headerValue('headers.', name, text, note);
    if (wire !== undefined) headers[name] = wire;
  }
  if (cookies !== undefined && cookies.length > 0) {
    const wire = headerValue('cookies', '', cookies.join('; '), note, 'cookie');
    if (wire !== undefined) headers['cookie'] = wire;
  }
  return headers;
}

function stringsOf(values: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const value of values) if (typeof value === 'string') out.push(value);
  return out;
}

/** A printable-ASCII value needs no checks beyond its name: the common case, tested first. */
const PRINTABLE = /^[\t\x20-\x7e]*$/;

/** What a header name allows, decided once per distinct name (names repeat from event to event; values do not). */
type NameVerdict = 'send' | 'set-by-undici' | 'hop-by-hop' | 'not-a-token';
const nameVerdicts = new Map<string, NameVerdict>();
/** Bounds the memo: fuzzed names could otherwise grow it without end. */
const MAX_NAME_VERDICTS = 1024;

function nameVerdict(name: string): NameVerdict {
  let verdict = nameVerdicts.get(name);
  if (verdict !== undefined) return verdict;
  const lower = name.toLowerCase();
  verdict = SET_BY_UNDICI.has(lower) ? 'set-by-undici' : HOP_BY_HOP.has(lower) ? 'hop-by-hop' : TOKEN.test(name) ? 'send' : 'not-a-token';
  if (nameVerdicts.size >= MAX_NAME_VERDICTS) nameVerdicts.clear();
  nameVerdicts.set(name, verdict);
  return verdict;
}

/** The value to send for header `name`, or `undefined`; `prefix + name` names the field in notes (built only then). */
function headerValue(prefix: string, name: string, value: string, note: Note, sentName = name): string | undefined {
  const verdict = nameVerdict(sentName);
  if (verdict === 'set-by-undici') return undefined; // in every event: derived from the request, not worth a note
  if (verdict === 'hop-by-hop') {
    noteIn(note, prefix + name, 'dropped', 'a connection-level header, not part of the request');
    return undefined;
  }
  if (verdict === 'not-a-token') {
    noteIn(note, prefix + name, 'dropped', 'the name is not an HTTP token');
    return undefined;
  }
  if (PRINTABLE.test(value)) return value;
  if (HEADER_CTL.test(value)) {
    noteIn(note, prefix + name, 'dropped', 'the value holds CR, LF, NUL or another control character, which no client can send');
    return undefined;
  }
  if (NON_LATIN1.test(value)) {
    noteIn(note, prefix + name, 'encoded', 'characters beyond Latin-1 sent as their UTF-8 bytes');
    return Buffer.from(value, 'utf8').toString('latin1');
  }
  return value;
}

function bodyOf(event: Record_, note: Note): Buffer | undefined {
  const body = event['body'];
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body === 'string') {
    if (event['isBase64Encoded'] === true) return Buffer.from(body, 'base64');
    if (LONE_SURROGATE.test(body)) noteIn(note, 'body', 'encoded', 'lone surrogates sent as U+FFFD');
    return Buffer.from(body, 'utf8');
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch {
    json = undefined;
  }
  if (json === undefined) {
    noteIn(note, 'body', 'dropped', 'neither a string nor JSON-serializable');
    return undefined;
  }
  noteIn(note, 'body', 'encoded', 'not a string: sent as JSON');
  return Buffer.from(json, 'utf8');
}
