import type { NetworkGuard } from './network-guard.js';
import type { ClientHttp2Session as Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { patch } from './patch.js';

// Captured at load, before handler code can patch it (STYLE practice 11).
const apply = Reflect.apply;
const SafeURL = URL;
const safeSetImmediate = globalThis.setImmediate;

/**
 * @internal
 * `http2.connect(authority[, options][, listener])`: the session's socket goes through the net/tls hooks, but
 * only this layer knows the authority the handler named, so it records the attempt under its own API. A refused
 * session is built on a socket that never connects (nothing is sent); it never emits 'connect' (nor calls the
 * connect listener), and one macrotask later fails through its own 'error' (ECONNREFUSED or ENOTFOUND, if
 * anyone listens) and 'close', as for a refused address. Requests made meanwhile fail with it.
 */
export function installHttp2Probe(guard: NetworkGuard): void {
  const load = createRequire(import.meta.url);
  const http2 = load('node:http2') as Record<string, unknown>;
  const net = load('node:net') as { Socket: new () => Socket };
  patch(http2, 'connect', (original) =>
    function (this: unknown, ...args: unknown[]) {
      const target = authorityTarget(args[0]);
      if (target === undefined) return apply(original, this, args);
      const refused = guard.attempt('http2.connect', target, target.url);
      if (refused === undefined) return guard.passDown(target, () => apply(original, this, args));
      const options = typeof args[1] === 'object' && args[1] !== null ? args[1] : {};
      // A socket that never connects: what the session writes to it queues and is never sent.
      const socket = new net.Socket();
      (socket as unknown as { connecting: boolean }).connecting = true;
      const session = apply(original, this, [args[0], { ...options, createConnection: () => socket }]) as Http2Session;
      return refuseSession(session, socket, refused);
    },
  );
  syncBuiltinESMExports();
}

function refuseSession(session: Http2Session, socket: Socket, error: Error): Http2Session {
  const emit = session.emit;
  // http2 wraps the handle-less socket and sets the session up at once: the 'connect' it then emits is not true.
  session.emit = function (this: Http2Session, name: string | symbol, ...rest: unknown[]): boolean {
    if (name === 'connect' || (name === 'error' && this.listenerCount('error') === 0)) return false;
    return apply(emit, this, [name, ...rest]) as boolean;
  } as Http2Session['emit'];
  safeSetImmediate(() => {
    session.destroy(error);
    socket.destroy();
  });
  return session;
}

function authorityTarget(authority: unknown): { host: string; port: number; url: string } | undefined {
  let url: URL;
  try {
    url = new SafeURL(String(authority));
  } catch {
    return undefined;
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port);
  return { host, port, url: url.href };
}
