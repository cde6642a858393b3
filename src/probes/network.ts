import type { NetworkGuard, NetworkProbeOptions } from './network-guard.js';
import type { ClientRequest } from 'node:http';
import type { Socket as DgramSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { installDnsProbe } from './dns.js';
import { installHttp2Probe } from './http2.js';
import { createNetworkGuard } from './network-guard.js';
import { mirror, patch } from './patch.js';
import { installUndiciProbe } from './undici.js';
import {
  describeConnectArgs,
  describeDgramArgs,
  describeHttpCall,
  fetchFailure,
  refuseDgram,
  refuseSocket,
  refusingRequestOptions,
  type Target,
} from './network-calls.js';

export type { NetworkProbeOptions } from './network-guard.js';

type AnyFunction = (...args: unknown[]) => unknown;

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const defineProperty = Object.defineProperty;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const promiseThen = Promise.prototype.then;
const SafePromise = Promise;
const SafeURL = URL;

/** @internal What the runner drives per invocation. */
export interface NetworkProbe {
  /** Starts an invocation: the guard reads which destinations its event names. */
  begin(event: unknown): void;
}

/**
 * @internal
 * Hooks every way a handler opens an outbound connection, records one `NetworkEffect` per attempt and refuses
 * the payload-chosen ones (see `blockReason` and payload-destinations.ts):
 * - `http`/`https` `request`/`get` and global `fetch`, where the full URL (path, query) is known;
 * - `net.connect`/`createConnection`, `tls.connect`, and `net.Socket.prototype.connect`, the choke point every
 *   TCP connection passes (agents, undici, http2, sockets built by hand), so a host node would resolve to a
 *   metadata address is refused before any lookup or connect, whichever API got there;
 * - `dgram` `Socket#send`/`#connect`; `http2.connect`; DNS (dns.ts); the `undici` package (undici.ts).
 *
 * A higher layer that lets an attempt through "claims" its destination for the duration of the call (or of the
 * fetch), so the layers below it do not record the same connection again; they still apply the host policy.
 * The effect's `host` is normalised (`2852039166` → `169.254.169.254`); `url` is the URL requested, when known.
 */
export function installNetworkProbe(options: NetworkProbeOptions): NetworkProbe {
  const load = createRequire(import.meta.url);
  const net = load('node:net') as Record<string, unknown> & { Socket: { prototype: Record<string, unknown> } };
  const tls = load('node:tls') as Record<string, unknown>;
  const dgram = load('node:dgram') as { Socket: { prototype: Record<string, unknown> } };
  const guard = createNetworkGuard(options);
  const { attempt, passDown } = guard;

  // The choke point: every TCP connection, whatever built it.
  patch(net.Socket.prototype, 'connect', (original) =>
    function (this: Socket, ...args: unknown[]) {
      const target = describeConnectArgs(args);
      if (target === undefined) return apply(original, this, args);
      const refused = attempt('net.Socket.connect', target, null, true);
      // node looks the host up from inside connect: the DNS hooks must not judge that lookup a second time.
      return refused === undefined ? guard.internally(() => apply(original, this, args)) : refuseSocket(this, refused);
    },
  );
  for (const [module, name, prefix] of [
    [net, 'connect', 'net'],
    [net, 'createConnection', 'net'],
    [tls, 'connect', 'tls'],
  ] as const) {
    patch(module, name, (original) =>
      function (this: unknown, ...args: unknown[]) {
        const target = describeConnectArgs(args);
        if (target === undefined) return apply(original, this, args);
        // The Socket#connect layer below refuses it too; recording here keeps the API name the handler used.
        attempt(`${prefix}.${name}`, target, null, true);
        return passDown(target, () => apply(original, this, args));
      },
    );
  }

  for (const scheme of ['http', 'https'] as const) {
    const module = load(`node:${scheme}`) as Record<string, unknown>;
    for (const name of ['request', 'get'] as const) {
      patch(module, name, (original) =>
        function (this: unknown, ...args: unknown[]) {
          const call = describeHttpCall(`${scheme}:`, args);
          if (call === undefined) return apply(original, this, args);
          const refused = attempt(`${scheme}.${name}`, call, call.url);
          if (refused === undefined) return passDown(call, () => apply(original, this, args));
          let req: ClientRequest | undefined;
          const blocked = { ...call.options, ...refusingRequestOptions(refused, () => req) };
          const argv: unknown[] = call.input === undefined ? [blocked] : [call.input, blocked];
          if (typeof call.callback === 'function') argv[argv.length] = call.callback;
          req = apply(original, this, argv) as ClientRequest;
          return req;
        },
      );
    }
    syncBuiltinESMExports();
  }

  for (const name of ['send', 'connect'] as const) {
    patch(dgram.Socket.prototype, name, (original) =>
      function (this: DgramSocket, ...args: unknown[]) {
        const family = (this as unknown as { type?: string }).type ?? 'udp4';
        const target = describeDgramArgs(name, args, family);
        if (target === undefined) return apply(original, this, args);
        const refused = attempt(`dgram.${name}`, target, null);
        if (refused === undefined) return apply(original, this, args);
        return refuseDgram(this, refused, name === 'send' ? target.callback : undefined);
      },
    );
  }

  installFetchProbe(guard);
  installHttp2Probe(guard);
  installDnsProbe(guard);
  installUndiciProbe(guard);
  syncBuiltinESMExports();
  return { begin: guard.begin };
}

function installFetchProbe({ attempt, claim, withdraw }: NetworkGuard): void {
  const descriptor = getOwnPropertyDescriptor(globalThis, 'fetch');
  const original = globalThis.fetch as unknown as AnyFunction | undefined;
  if (typeof original !== 'function') return;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const target = fetchTarget(args[0]);
    if (target === undefined) return apply(original, this, args);
    const refused = attempt('fetch', target, target.url);
    if (refused !== undefined) return apply(SafePromise.reject, SafePromise, [fetchFailure(refused)]);
    // undici connects asynchronously; the claim lasts until the fetch settles (the connection is made by then).
    const entry = claim(target);
    const settled = apply(original, this, args) as Promise<unknown>;
    const release = (): void => withdraw(entry);
    apply(promiseThen, settled, [release, release]);
    return settled;
  };
  mirror(wrapper, original);
  defineProperty(globalThis, 'fetch', { ...descriptor, value: wrapper });
}

/** The destination of `fetch(input)`: a string, a URL or a Request; `undefined` for non-network schemes. */
function fetchTarget(input: unknown): (Target & { url: string }) | undefined {
  let text: unknown = input;
  if (typeof input === 'object' && input !== null && !(input instanceof SafeURL)) text = (input as { url?: unknown }).url;
  let url: URL;
  try {
    url = new SafeURL(String(text));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port), url: url.href };
}
