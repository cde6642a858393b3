import type { NetworkGuard } from './network-guard.js';
import { createRequire } from 'node:module';

/*
 * The `undici` npm package is its own HTTP client: its sockets go through node's net/tls (hooked), but there only
 * host and port are left, so a fixed API called with a token in its path or query (`request('http://127.0.0.1:
 * 8080/q?<token>')`) would pass. Its dispatchers (Agent, Pool, Client, and node's bundled copy behind the global
 * dispatcher) all end in `DispatcherBase#dispatch`, which sees origin and path: that method is hooked on every
 * copy of undici the handler loads. A refused request fails through undici's own error path (the handler's
 * `onError`), as a refused connection does: `request()` rejects with ECONNREFUSED/ENOTFOUND, `fetch()` with
 * `TypeError: fetch failed` (undici's fetch wraps it).
 */

type AnyFunction = (...args: unknown[]) => unknown;
type Dispatcher = Record<string | symbol, unknown>;

// Captured at load, before handler code can patch them (STYLE practice 11).
const apply = Reflect.apply;
const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;
const ownSymbols = Object.getOwnPropertySymbols;
const create = Object.create;
const SafeURL = URL;
const SafeWeakSet = WeakSet;
const weakAdd = WeakSet.prototype.add;
const weakHas = WeakSet.prototype.has;
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const EXPORTED_DISPATCHERS = ['Agent', 'Client', 'Pool', 'BalancedPool', 'RoundRobinPool', 'ProxyAgent', 'EnvHttpProxyAgent', 'RetryAgent'];

/** @internal Hooks each copy of undici as it loads (CommonJS or ESM import: both pass `Module._load`). */
export function installUndiciProbe(guard: NetworkGuard): void {
  const Module = createRequire(import.meta.url)('node:module') as { _load: AnyFunction };
  const patched = new SafeWeakSet<object>();
  const checked = new SafeWeakSet<object>();
  const hookChain = (instance: unknown): void => {
    for (let proto = instance; typeof proto === 'object' && proto !== null; proto = getPrototypeOf(proto)) {
      if (!hasOwn(proto, 'dispatch') || apply(weakHas, patched, [proto])) continue;
      const owner = proto as Dispatcher;
      if (typeof owner['dispatch'] !== 'function' || typeof owner['close'] !== 'function') continue;
      apply(weakAdd, patched, [proto]);
      owner['dispatch'] = guardedDispatch(guard, owner['dispatch'] as AnyFunction);
    }
  };
  const load = Module._load;
  Module._load = function (this: unknown, ...args: unknown[]) {
    const exports = apply(load, this, args) as Record<string, unknown> | undefined;
    if (typeof exports === 'object' && exports !== null && !apply(weakHas, checked, [exports])) {
      apply(weakAdd, checked, [exports]);
      // Own properties only: a module still loading in a require cycle has exports whose prototype warns (Node 22+,
      // "Accessing non-existent property … inside circular dependency") on any property it lacks, into the
      // handler's logs. undici defines both on its exports object.
      if (hasOwn(exports, 'Dispatcher') && hasOwn(exports, 'setGlobalDispatcher') && typeof exports['Dispatcher'] === 'function' && typeof exports['setGlobalDispatcher'] === 'function') {
        for (const name of EXPORTED_DISPATCHERS) {
          const Class = exports[name] as { prototype?: unknown } | undefined;
          if (typeof Class === 'function') hookChain(Class.prototype);
        }
        // `request()` and `fetch()` use the global dispatcher, which may be node's bundled copy (set by `fetch`).
        hookChain((globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER]);
      }
    }
    return exports;
  };
  hookChain((globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER]);
}

function guardedDispatch(guard: NetworkGuard, original: AnyFunction): AnyFunction {
  return function dispatch(this: Dispatcher, ...args: unknown[]) {
    const [opts, handler] = args as [Record<string, unknown> | undefined, Record<string, unknown> | undefined];
    if (typeof opts !== 'object' || opts === null || typeof handler !== 'object' || handler === null) return apply(original, this, args);
    const url = requestUrl(this, opts);
    if (url === undefined) return apply(original, this, args);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const target = { host, port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port) };
    // Below: an Agent hands the request to a Pool and that to a Client; node's fetch hands it to its Agent.
    const refused = guard.attempt(`undici.${nameOf(this)}`, target, url.href, true);
    if (refused === undefined) return guard.passDown(target, () => apply(original, this, args));
    // undici's own catch delivers the error to the handler (wrapped as undici wraps it) and returns false.
    const failing = failingDispatcher(this, refused);
    if (failing !== undefined) return apply(original, failing, args);
    // Not undici's layout: fail as its DispatcherBase does, through onError when there is one.
    if (typeof handler['onError'] !== 'function') throw refused;
    apply(handler['onError'] as AnyFunction, handler, [refused]);
    return false;
  };
}

/** The origin (the request's, or the Client/Pool's own) joined with the path. */
function requestUrl(dispatcher: Dispatcher, opts: Record<string, unknown>): URL | undefined {
  let origin = opts['origin'];
  // A Client or Pool dispatches to its own origin, kept in its own `kUrl` symbol property.
  if (origin === undefined || origin === null) {
    for (const symbol of ownSymbols(dispatcher)) if (symbol.description === 'url' && dispatcher[symbol] instanceof SafeURL) origin = dispatcher[symbol];
  }
  if (typeof origin !== 'string' && !(origin instanceof SafeURL)) return undefined;
  try {
    return new SafeURL(typeof opts['path'] === 'string' ? opts['path'] : '/', String(origin));
  } catch {
    return undefined;
  }
}

/**
 * The dispatcher as seen by undici's own `dispatch`, with its inner dispatch (kDispatch) failing: undici then
 * hands the error to the handler the way it handles any dispatch error, whichever handler API the caller used.
 */
function failingDispatcher(dispatcher: Dispatcher, error: Error): Dispatcher | undefined {
  for (let proto: unknown = dispatcher; typeof proto === 'object' && proto !== null; proto = getPrototypeOf(proto)) {
    const kDispatch = ownSymbols(proto).find((s) => s.description === 'dispatch' && typeof (proto as Dispatcher)[s] === 'function');
    if (kDispatch === undefined) continue;
    return create(dispatcher, {
      [kDispatch]: {
        value() {
          throw error;
        },
      },
    }) as Dispatcher;
  }
  return undefined;
}

function nameOf(dispatcher: Dispatcher): string {
  const name = (dispatcher as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && /^[A-Za-z]+$/.test(name) ? name : 'dispatch';
}
