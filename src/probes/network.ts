import type { ProbeContext } from './recorder.js';
import type { NetworkEffect } from '../core/index.js';
import type { ClientRequest } from 'node:http';
import type { Socket as DgramSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { blockReason, normalizeHost } from '../core/destinations.js';
import {
  describeConnectArgs,
  describeDgramArgs,
  describeHttpCall,
  fetchFailure,
  refusal,
  refuseDgram,
  refuseSocket,
  refusingRequestOptions,
  type Target,
} from './network-calls.js';

/** @internal What the network probe needs from its installer. */
export interface NetworkProbeOptions extends ProbeContext {
  /** Lets a token in the path or query of a non-metadata destination through (`--allow-exec`). */
  readonly allowExec: boolean;
}

type AnyFunction = (...args: unknown[]) => unknown;

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const defineProperty = Object.defineProperty;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const promiseThen = Promise.prototype.then;
const SafePromise = Promise;
const SafeURL = URL;
const MAX_TEXT = 65_536;

/**
 * @internal
 * Hooks every way a handler opens an outbound connection, records one `NetworkEffect` per attempt and refuses
 * the payload-chosen ones (see `blockReason`):
 * - `http`/`https` `request`/`get` and global `fetch`, where the full URL (path, query) is known;
 * - `net.connect`/`createConnection`, `tls.connect`, and `net.Socket.prototype.connect`, the choke point every
 *   TCP connection passes (agents, undici, http2, sockets built by hand), so a host node would resolve to a
 *   metadata address is refused before any lookup or connect, whichever API got there;
 * - `dgram` `Socket#send`/`#connect`.
 *
 * A higher layer that lets an attempt through "claims" its destination for the duration of the call (or of the
 * fetch), so the layers below it do not record the same connection again; they still apply the host policy.
 * The effect's `host` is normalised (`2852039166` → `169.254.169.254`); `url` is the URL requested, when known.
 */
export function installNetworkProbe(options: NetworkProbeOptions): void {
  const load = createRequire(import.meta.url);
  const net = load('node:net') as Record<string, unknown> & { Socket: { prototype: Record<string, unknown> } };
  const tls = load('node:tls') as Record<string, unknown>;
  const dgram = load('node:dgram') as { Socket: { prototype: Record<string, unknown> } };
  const claims: { key: string; used: boolean }[] = [];

  const claim = (target: Target): { key: string; used: boolean } => {
    const entry = { key: keyOf(target), used: false };
    claims[claims.length] = entry;
    return entry;
  };
  const withdraw = (entry: { key: string; used: boolean }): void => {
    const at = claims.indexOf(entry);
    if (at !== -1) claims.splice(at, 1);
  };
  /** Records the attempt unless a higher layer already did, and returns the refusal to deliver, if any. */
  const attempt = (api: string, target: Target, url: string | null): Error | undefined => {
    const host = normalizeHost(target.host);
    const reason = blockReason(host, url, options.allowExec);
    const key = keyOf(target);
    const claimed = claims.find((c) => !c.used && c.key === key);
    if (claimed !== undefined) claimed.used = true;
    else options.record(networkEffect(api, host, target.port, url, reason !== null, options.callSite()));
    return reason === null ? undefined : refusal(target);
  };
  const passDown = <T>(target: Target, run: () => T): T => {
    const entry = claim(target);
    try {
      return run();
    } finally {
      withdraw(entry);
    }
  };

  // The choke point: every TCP connection, whatever built it.
  patch(net.Socket.prototype, 'connect', (original) =>
    function (this: Socket, ...args: unknown[]) {
      const target = describeConnectArgs(args);
      if (target === undefined) return apply(original, this, args);
      const refused = attempt('net.Socket.connect', target, null);
      return refused === undefined ? apply(original, this, args) : refuseSocket(this, refused);
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
        attempt(`${prefix}.${name}`, target, null);
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

  installFetchProbe(attempt, claim, withdraw);
  syncBuiltinESMExports();
}

function installFetchProbe(
  attempt: (api: string, target: Target, url: string | null) => Error | undefined,
  claim: (target: Target) => { key: string; used: boolean },
  withdraw: (entry: { key: string; used: boolean }) => void,
): void {
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

function patch(owner: Record<string, unknown>, name: string, wrap: (original: AnyFunction) => AnyFunction): void {
  const original = owner[name];
  if (typeof original !== 'function') return;
  const wrapper = wrap(original as AnyFunction);
  mirror(wrapper, original as AnyFunction);
  owner[name] = wrapper;
}

function keyOf(target: Target): string {
  return `${normalizeHost(target.host)}|${target.port ?? ''}`;
}

function networkEffect(api: string, host: string, port: number | null, url: string | null, blocked: boolean, callSite: string): NetworkEffect {
  return { kind: 'network', api, host: clip(host), port, url: url === null ? null : clip(url), blocked, callSite };
}

/** Same `name` and `length` as the original, so code that introspects the function sees no difference. */
function mirror(wrapper: AnyFunction, original: AnyFunction): void {
  defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  defineProperty(wrapper, 'length', { value: original.length, configurable: true });
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…(${text.length - MAX_TEXT} more chars)` : text;
}
