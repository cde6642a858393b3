/**
 * A real HTTP server on 127.0.0.1 that plays API Gateway in front of a handler module, for the HTTP runner's tests:
 * it builds the proxy event from the request the way API Gateway does (REST payload 1.0, HTTP API payload 1.0 or 2.0),
 * runs the handler in this process, and maps its result back to the response (or a gateway error).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Which API Gateway flavour to play. */
export type ApigwMode = 'rest' | 'http-1.0' | 'http-2.0';

export interface ApigwServerOptions {
  /** Absolute path of the handler module. */
  readonly handler: string;
  readonly exportName?: string;
  readonly mode: ApigwMode;
  /** REST default `staging`; HTTP API default `$default` (no path prefix). */
  readonly stage?: string;
  /** The integration timeout: past it the answer is 504. `null`: never answer (the client must time out). Default 3000. */
  readonly timeoutMs?: number | null;
  /** Answer 429 to a request that arrives while this many are already in flight. */
  readonly maxInFlight?: number;
  /** REST only: content types whose bodies are delivered base64 (`binaryMediaTypes`). */
  readonly binaryMediaTypes?: readonly string[];
  /** Keep every event in `events` (default true); benches turn it off so the heap does not grow with the run. */
  readonly recordEvents?: boolean;
  /** Set on `process.env` while the server runs (the handler's environment), restored by `close`. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ApigwServer {
  /** The stage's base URL, e.g. `http://127.0.0.1:40123/staging`. */
  readonly url: string;
  /** Requests received, throttled ones included, counted on the server side. */
  readonly requests: () => number;
  readonly throttled: () => number;
  /** The most requests in flight at once. */
  readonly peakInFlight: () => number;
  /** Every event handed to the handler, in arrival order. */
  readonly events: readonly Record<string, unknown>[];
  close(): Promise<void>;
}

let imports = 0;
const REST_ERROR = '{"message": "Internal server error"}';
const HTTP_ERROR = '{"message":"Internal Server Error"}';
const TIMED_OUT = '{"message": "Endpoint request timed out"}';
const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

type Handler = (event: unknown, context: unknown) => unknown;

/** Starts the server on a random port; the handler module is imported fresh (module state is per server). */
export async function startApigwServer(options: ApigwServerOptions): Promise<ApigwServer> {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(options.env ?? {})) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  const module = (await import(`${pathToFileURL(options.handler).href}?server=${++imports}`)) as Record<string, unknown>;
  const handler = module[options.exportName ?? 'handler'] as Handler;
  if (typeof handler !== 'function') throw new Error(`${options.handler} has no export ${options.exportName ?? 'handler'}`);
  const stage = options.stage ?? (options.mode === 'rest' ? 'staging' : '$default');
  const prefix = stage === '$default' ? '' : `/${stage}`;
  const timeoutMs = options.timeoutMs === undefined ? 3000 : options.timeoutMs;
  const events: Record<string, unknown>[] = [];
  let requests = 0;
  let throttled = 0;
  let inFlight = 0;
  let peak = 0;

  const server: Server = createServer((req, res) => {
    requests++;
    if (options.maxInFlight !== undefined && inFlight >= options.maxInFlight) {
      throttled++;
      send(res, 429, { 'content-type': 'application/json' }, Buffer.from('{"message":"Too Many Requests"}'));
      return;
    }
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    void serve(req, res);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0]!;
    const rawQuery = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    if (prefix !== '' && rawPath !== prefix && !rawPath.startsWith(`${prefix}/`)) {
      send(res, 403, { 'content-type': 'application/json' }, Buffer.from('{"message":"Forbidden"}'));
      return;
    }
    const request = { req, rawPath, rawQuery, body, stage, prefix };
    const event = options.mode === 'http-2.0' ? v2Event(request) : v1Event(request, options.mode, options.binaryMediaTypes ?? ['application/octet-stream', 'image/*']);
    if (options.recordEvents !== false) events.push(event);
    const context = { awsRequestId: randomUUID(), functionName: 'apigw-test', getRemainingTimeInMillis: () => timeoutMs ?? 900_000, callbackWaitsForEmptyEventLoop: true };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      if (timeoutMs !== null) timer = setTimeout(() => resolve('expired'), timeoutMs);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => handler(event, context)), expired]);
      if (result === 'expired') send(res, 504, { 'content-type': 'application/json' }, Buffer.from(TIMED_OUT));
      else if (options.mode === 'http-2.0') sendV2(res, result);
      else sendV1(res, result, options.mode);
    } catch {
      failed(res, options.mode);
    } finally {
      clearTimeout(timer);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests: () => requests,
    throttled: () => throttled,
    peakInFlight: () => peak,
    events,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

interface Received {
  readonly req: IncomingMessage;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly body: Buffer;
  readonly stage: string;
  readonly prefix: string;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Raw header pairs as received (client casing, order kept), minus the connection-level ones. */
function headerPairs(req: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!DROPPED.has(name.toLowerCase())) pairs.push([name, req.rawHeaders[i + 1]!]);
  }
  pairs.push(['X-Forwarded-Port', '443'], ['X-Forwarded-Proto', 'https']);
  const forwarded = pairs.find(([name]) => name.toLowerCase() === 'x-forwarded-for');
  if (forwarded !== undefined) forwarded[1] = `${forwarded[1]}, 127.0.0.1`;
  else pairs.push(['X-Forwarded-For', '127.0.0.1']);
  return pairs;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function queryPairs(raw: string): [string, string][] {
  if (raw === '') return [];
  return raw.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return [decode(eq < 0 ? pair : pair.slice(0, eq)), eq < 0 ? '' : decode(pair.slice(eq + 1))];
  });
}

const mediaType = (req: IncomingMessage): string => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

/** REST (and HTTP API payload 1.0): raw path without the stage, multi-value maps, base64 for binary media types. */
function v1Event(r: Received, mode: ApigwMode, binaryTypes: readonly string[]): Record<string, unknown> {
  const path = r.rawPath.slice(r.prefix.length) || '/';
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of headerPairs(r.req)) {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const pairs = queryPairs(r.rawQuery);
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of pairs) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  const type = mediaType(r.req);
  // REST decides by the API's binaryMediaTypes; an HTTP API (payload 1.0 too) by whether the content type is text.
  const binary = r.body.length > 0 && mode === 'http-1.0' ? !TEXT_TYPE.test(type) : r.body.length > 0 && binaryTypes.some((t) => t === '*/*' || (t.endsWith('/*') ? type.startsWith(t.slice(0, -1)) : type === t));
  const method = r.req.method ?? 'GET';
  return {
    ...(mode === 'http-1.0' ? { version: '1.0' } : {}),
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: pairs.length > 0 ? query : null,
    multiValueQueryStringParameters: pairs.length > 0 ? multiQuery : null,
    pathParameters: path === '/' ? null : { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012', apiId: 'abcdef1234', resourcePath: '/{proxy+}', httpMethod: method, path: r.rawPath,
      stage: r.stage, requestId: randomUUID(), requestTimeEpoch: Date.now(), protocol: 'HTTP/1.1', domainName: r.req.headers.host,
      identity: { sourceIp: '127.0.0.1', userAgent: r.req.headers['user-agent'] ?? null },
    },
    body: r.body.length === 0 ? null : binary ? r.body.toString('base64') : r.body.toString('utf8'),
    isBase64Encoded: binary,
  };
}

const TEXT_TYPE = /^(?:text\/|application\/(?:json|xml|javascript|x-www-form-urlencoded)$|.*\+(?:json|xml)$)/;

/** HTTP API payload 2.0: decoded rawPath with the stage, lower-case joined headers, cookies split out, base64 for non-text. */
function v2Event(r: Received): Record<string, unknown> {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of headerPairs(r.req)) {
    const key = name.toLowerCase();
    if (key === 'cookie') (cookies ??= []).push(...value.split(';').map((c) => c.trim()).filter(Boolean));
    else headers[key] = Object.hasOwn(headers, key) ? `${headers[key]},${value}` : value;
  }
  headers['content-length'] = String(r.body.length);
  const query: Record<string, string> = {};
  for (const [key, value] of queryPairs(r.rawQuery)) query[key] = Object.hasOwn(query, key) ? `${query[key]},${value}` : value;
  const binary = r.body.length > 0 && !TEXT_TYPE.test(mediaType(r.req));
  const rawPath = decode(r.rawPath);
  const method = r.req.method ?? 'GET';
  const event: Record<string, unknown> = { version: '2.0', routeKey: '$default', rawPath, rawQueryString: r.rawQuery };
  if (cookies !== undefined) event['cookies'] = cookies;
  event['headers'] = headers;
  if (r.rawQuery !== '') event['queryStringParameters'] = query;
  event['requestContext'] = {
    accountId: '123456789012', apiId: 'abcdef1234', domainName: r.req.headers.host, requestId: randomUUID().slice(0, 16),
    routeKey: '$default', stage: r.stage, timeEpoch: Date.now(),
    http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
  };
  if (r.body.length > 0) event['body'] = binary ? r.body.toString('base64') : r.body.toString('utf8');
  event['isBase64Encoded'] = binary;
  return event;
}

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer): void {
  res.writeHead(status, headers);
  res.end(body);
}

function failed(res: ServerResponse, mode: ApigwMode): void {
  // REST answers a failed Lambda integration with 502; HTTP APIs with 500 (and another casing).
  if (mode === 'rest') send(res, 502, { 'content-type': 'application/json' }, Buffer.from(REST_ERROR));
  else send(res, 500, { 'content-type': 'application/json' }, Buffer.from(HTTP_ERROR));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function resultBody(result: Record<string, unknown>): Buffer {
  const body = typeof result['body'] === 'string' ? result['body'] : '';
  return result['isBase64Encoded'] === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

function stringHeaders(value: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!isRecord(value)) return out;
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[name] = String(v);
    else if (Array.isArray(v)) out[name] = v.map(String);
  }
  return out;
}

/** Payload 1.0: `statusCode` required (else the integration failed), `multiValueHeaders` merged after `headers`. */
function sendV1(res: ServerResponse, result: unknown, mode: ApigwMode): void {
  if (!isRecord(result) || typeof result['statusCode'] !== 'number') return failed(res, mode);
  const headers = stringHeaders(result['headers']);
  for (const [name, values] of Object.entries(stringHeaders(result['multiValueHeaders']))) headers[name] = ([] as string[]).concat(values);
  try {
    send(res, result['statusCode'], headers, resultBody(result));
  } catch {
    failed(res, mode); // a header value Node refuses: the gateway would refuse the malformed result too
  }
}

/** Payload 2.0: a result without `statusCode` is the body of a 200 JSON answer; `cookies` become Set-Cookie. */
function sendV2(res: ServerResponse, result: unknown): void {
  if (!isRecord(result) || typeof result['statusCode'] !== 'number') {
    const body = typeof result === 'string' ? result : (JSON.stringify(result) ?? '');
    return send(res, 200, { 'content-type': 'application/json' }, Buffer.from(body));
  }
  const headers = stringHeaders(result['headers']);
  if (Array.isArray(result['cookies'])) headers['set-cookie'] = result['cookies'].map(String);
  try {
    send(res, result['statusCode'], headers, resultBody(result));
  } catch {
    failed(res, 'http-2.0');
  }
}

/**
 * Servers for the handler files of one fixture directory, each an HTTP API (payload 2.0) unless `options` say
 * otherwise, all closed by `closeAll` (a test file's afterEach): `serve('blind-shell.ts')`.
 */
export function fixtureServers(directory: URL, options: Omit<ApigwServerOptions, 'handler' | 'mode'> & { readonly mode?: ApigwMode } = {}) {
  const open: ApigwServer[] = [];
  return {
    async serve(name: string): Promise<ApigwServer> {
      const server = await startApigwServer({ mode: 'http-2.0', ...options, handler: fileURLToPath(new URL(name, directory)) });
      open.push(server);
      return server;
    },
    closeAll: async (): Promise<void> => {
      await Promise.all(open.splice(0).map((server) => server.close()));
    },
  };
}
