import type { ClientRequest } from 'node:http';
import type { Socket as DgramSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { constants } from 'node:os';
import { safeArrayIsArray } from '../core/safe-globals.js';

/*
 * Argument forms of node's connection APIs, read the way node reads them, and the failures a refused attempt
 * produces. A refused attempt must look like an ordinary network failure (the address refuses, the name does not
 * resolve), so the handler takes its normal error path instead of tripping over the harness. Failures arrive one
 * macrotask later, after the handler attached its listeners; an 'error' nobody listens to is not emitted, since
 * a probe must never be what crashes the handler (it sees 'close' instead).
 */

// Captured at load: the handler may replace these later (STYLE practice 11).
const safeSetImmediate = globalThis.setImmediate;
const SafeURL = URL;
const ECONNREFUSED = -(constants.errno.ECONNREFUSED ?? 111);
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** @internal Where a connection attempt goes, as the API was given it. */
export interface Target {
  readonly host: string;
  readonly port: number | null;
}

/** @internal An http(s).request/get call: its destination, the URL it requests, and its arguments split. */
export interface HttpCall extends Target {
  readonly url: string;
  readonly input: string | URL | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  readonly callback: unknown;
}

/**
 * @internal
 * `(url[, options][, cb])` or `(options[, cb])`, merged like node (`{ ...urlToHttpOptions(url), ...options }`).
 * `undefined` for a unix-socket request or arguments node will reject itself (it then throws its own error).
 */
export function describeHttpCall(scheme: 'http:' | 'https:', args: readonly unknown[]): HttpCall | undefined {
  let input: string | URL | undefined;
  let rest = args;
  if (typeof args[0] === 'string' || args[0] instanceof SafeURL) {
    input = args[0];
    rest = args.slice(1);
  }
  const options = typeof rest[0] === 'object' && rest[0] !== null ? { ...(rest[0] as Record<string, unknown>) } : {};
  const callback = typeof rest[0] === 'function' ? rest[0] : rest[1];
  let base: Record<string, unknown> = {};
  if (input !== undefined) {
    let url: URL;
    try {
      url = new SafeURL(String(input));
    } catch {
      return undefined;
    }
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    base = { protocol: url.protocol, hostname, port: url.port, path: url.pathname + url.search };
  }
  const merged = { ...base, ...options };
  if (typeof merged['socketPath'] === 'string') return undefined;
  const protocol = typeof merged['protocol'] === 'string' ? merged['protocol'] : scheme;
  const named = merged['hostname'] || merged['host'];
  const host = typeof named === 'string' ? named : 'localhost';
  const fallback = typeof merged['defaultPort'] === 'number' ? merged['defaultPort'] : (DEFAULT_PORTS[protocol] ?? 80);
  const port = Number(merged['port']) || fallback;
  const path = typeof merged['path'] === 'string' ? merged['path'] : '/';
  const authority = `${host.includes(':') ? `[${host}]` : host}${port === DEFAULT_PORTS[protocol] ? '' : `:${port}`}`;
  return { host, port, url: `${protocol}//${authority}${path}`, input, options, callback };
}

/**
 * @internal
 * Arguments of `net.connect` / `tls.connect` / `Socket#connect`: `(options[, cb])`, `(port[, host][, cb])`, or the
 * normalised `[options, cb]` array net passes to `Socket#connect`. `undefined` for a pipe (`path`) or anything
 * node will reject itself.
 */
export function describeConnectArgs(args: readonly unknown[], defaultHost = 'localhost'): Target | undefined {
  let first = args[0];
  if (safeArrayIsArray(first)) first = (first as unknown[])[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as Record<string, unknown>;
    if (o['path'] !== undefined && o['path'] !== null) return undefined;
    const host = typeof o['host'] === 'string' && o['host'] !== '' ? o['host'] : defaultHost;
    const port = Number(o['port']);
    return { host, port: Number.isFinite(port) && o['port'] !== undefined ? port : null };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' && args[1] !== '' ? args[1] : defaultHost, port: Number(first) };
  }
  return undefined;
}

/**
 * @internal
 * `dgram` `send(msg[, offset, length], port[, address][, cb])` and `connect(port[, address][, cb])`. `undefined`
 * when no port is given (a send on a connected socket: its destination was checked by `connect`).
 */
export function describeDgramArgs(api: 'send' | 'connect', args: readonly unknown[], family: string): (Target & { callback: unknown }) | undefined {
  const rest = api === 'send' ? args.slice(typeof args[1] === 'number' && typeof args[2] === 'number' ? 3 : 1) : args;
  if (typeof rest[0] !== 'number' && !(typeof rest[0] === 'string' && /^\d+$/.test(rest[0]))) return undefined;
  const address = typeof rest[1] === 'string' && rest[1] !== '' ? rest[1] : family === 'udp6' ? '::1' : '127.0.0.1';
  const callback = typeof rest[1] === 'function' ? rest[1] : rest[2];
  return { host: address, port: Number(rest[0]), callback };
}

/** @internal The error node reports when `host:port` refuses, or when a name does not resolve. */
export function refusal(target: Target): Error {
  const { host, port } = target;
  if (isIP(host) === 0 && !/^[0-9a-fx.]+$/i.test(host)) {
    return Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { errno: -3008, code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: host });
  }
  return Object.assign(new Error(`connect ECONNREFUSED ${host}:${port ?? 0}`), {
    errno: ECONNREFUSED,
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: host,
    port: port ?? 0,
  });
}

/** @internal A socket that never connects: it is "connecting" (writes queue), then fails. Returns the socket. */
export function refuseSocket(socket: Socket, error: Error): Socket {
  const internals = socket as unknown as { connecting: boolean };
  internals.connecting = true;
  safeSetImmediate(() => {
    internals.connecting = false;
    if (socket.listenerCount('error') > 0) socket.destroy(error);
    else socket.destroy();
  });
  return socket;
}

/**
 * @internal
 * Options for node's own `http.request` that make it fail without a socket: no agent (a pooled keep-alive socket
 * to the same server must not carry the request) and a `createConnection` that reports the refusal, which node
 * emits as the request's 'error', exactly as for a real refused connection.
 */
export function refusingRequestOptions(error: Error, request: () => ClientRequest | undefined): Record<string, unknown> {
  return {
    agent: undefined,
    createConnection(_options: unknown, oncreate: (error: Error | null, socket?: Socket) => void): undefined {
      safeSetImmediate(() => {
        const req = request();
        if (req === undefined || req.destroyed) return;
        if (req.listenerCount('error') > 0) oncreate(error);
        safeSetImmediate(() => {
          req.destroy();
          req.emit('close');
        });
      });
      return undefined;
    },
  };
}

/** @internal A refused `dgram` send or connect: the callback gets the error, else the socket emits it if heard. */
export function refuseDgram(socket: DgramSocket, error: Error, callback: unknown): void {
  safeSetImmediate(() => {
    if (typeof callback === 'function') (callback as (e: Error) => void)(error);
    else if (socket.listenerCount('error') > 0) socket.emit('error', error);
  });
}

/** @internal What a refused `fetch` rejects with: undici's `TypeError: fetch failed` with the cause attached. */
export function fetchFailure(error: Error): TypeError {
  return new TypeError('fetch failed', { cause: error });
}
