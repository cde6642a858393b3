import type { NetworkGuard } from './network-guard.js';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { safeArrayIsArray } from '../core/safe-globals.js';
import { patch } from './patch.js';

/*
 * DNS is a connection too: a query for `<token>.canary.invalid` leaves the machine and tells whoever runs that
 * zone the payload was read, and a Resolver pointed at a payload-chosen server sends the query there. Every
 * lookup and query the handler makes is judged by the network guard like a connection to its host (port null);
 * a refused one fails as an unresolvable name does (ENOTFOUND), asynchronously, through the API's own error path.
 * A `setServers` naming a refused server is not applied, and that resolver's queries then fail as an unreachable
 * server does (ECONNREFUSED). Lookups node makes from inside a connection (net's own `dns.lookup`) were judged
 * by the connection hook and pass.
 */

type AnyFunction = (...args: unknown[]) => unknown;
type Owner = Record<string, unknown>;

// Captured at load, before handler code can patch them (STYLE practice 11).
const apply = Reflect.apply;
const safeSetImmediate = globalThis.setImmediate;
const SafePromise = Promise;
const promiseReject = Promise.reject;
const SafeWeakSet = WeakSet;
const weakAdd = WeakSet.prototype.add;
const weakHas = WeakSet.prototype.has;
const weakDelete = WeakSet.prototype.delete;
const ENOTFOUND_ERRNO = -3008; // libuv's UV_EAI_NONAME, what getaddrinfo reports for a name that does not exist

const QUERIES: Readonly<Record<string, string>> = {
  resolve4: 'queryA',
  resolve6: 'queryAaaa',
  resolveAny: 'queryAny',
  resolveCaa: 'queryCaa',
  resolveCname: 'queryCname',
  resolveMx: 'queryMx',
  resolveNaptr: 'queryNaptr',
  resolveNs: 'queryNs',
  resolvePtr: 'queryPtr',
  resolveSoa: 'querySoa',
  resolveSrv: 'querySrv',
  resolveTxt: 'queryTxt',
  reverse: 'getHostByAddr',
};

/** @internal Hooks `node:dns` and `node:dns/promises`: module functions, `Resolver` classes, `setServers`. */
export function installDnsProbe(guard: NetworkGuard): void {
  const load = createRequire(import.meta.url);
  const dns = load('node:dns') as Owner & { Resolver: { prototype: Owner } };
  const promises = load('node:dns/promises') as Owner & { Resolver: { prototype: Owner } };
  // The module functions are bound to one default resolver shared by both APIs: it is refused as one.
  const DEFAULT = {};
  const refusing = new SafeWeakSet<object>();
  const hook = (owner: Owner, viaPromise: boolean, prefix: string, self: ((that: unknown) => object) | undefined): void => {
    const fail = (args: unknown[], error: Error): unknown => {
      if (viaPromise) return apply(promiseReject, SafePromise, [error]);
      const callback = args[args.length - 1] as AnyFunction;
      safeSetImmediate(() => callback(error));
      return undefined;
    };
    const settles = (args: unknown[]): boolean => viaPromise || typeof args[args.length - 1] === 'function';
    for (const name of ['lookup', 'lookupService', 'resolve', ...Object.keys(QUERIES)]) {
      patch(owner, name, (original) =>
        function (this: unknown, ...args: unknown[]) {
          const host = args[0];
          if (guard.inside || typeof host !== 'string' || !settles(args)) return apply(original, this, args);
          const syscall = syscallOf(name, args);
          const resolver = self === undefined ? DEFAULT : self(this);
          if (name !== 'lookup' && name !== 'lookupService' && apply(weakHas, refusing, [resolver])) {
            return fail(args, dnsError(syscall, 'ECONNREFUSED', host));
          }
          const port = name === 'lookupService' ? Number(args[1]) : null;
          const refused = guard.attempt(`${prefix}.${name}`, { host, port }, null);
          if (refused !== undefined) return fail(args, dnsError(syscall, 'ENOTFOUND', host));
          // Our own module functions may be bound to the hooked Resolver methods: judge once.
          return guard.internally(() => apply(original, this, args));
        },
      );
    }
    patch(owner, 'setServers', (original) =>
      function (this: unknown, ...args: unknown[]) {
        const servers = args[0];
        if (guard.inside || !safeArrayIsArray(servers)) return apply(original, this, args);
        const resolver = self === undefined ? DEFAULT : self(this);
        let refused = false;
        for (const server of servers) {
          if (typeof server !== 'string') return apply(original, this, args); // node throws its own error
          refused = guard.attempt(`${prefix}.setServers`, serverTarget(server), null) !== undefined || refused;
        }
        if (refused) {
          apply(weakAdd, refusing, [resolver]);
          return undefined;
        }
        apply(weakDelete, refusing, [resolver]);
        return guard.internally(() => apply(original, this, args));
      },
    );
  };
  const instance = (that: unknown): object => (typeof that === 'object' && that !== null ? that : DEFAULT);
  hook(dns, false, 'dns', undefined);
  hook(promises, true, 'dns.promises', undefined);
  if (dns['promises'] !== promises) hook(dns['promises'] as Owner, true, 'dns.promises', undefined);
  hook(dns.Resolver.prototype, false, 'dns.Resolver', instance);
  hook(promises.Resolver.prototype, true, 'dns.promises.Resolver', instance);
  syncBuiltinESMExports();
}

/** The name c-ares or getaddrinfo puts in front of the error code, as node reports it. */
function syscallOf(name: string, args: readonly unknown[]): string {
  if (name === 'lookup') return 'getaddrinfo';
  if (name === 'lookupService') return 'getnameinfo';
  if (name === 'resolve') {
    const rrtype = typeof args[1] === 'string' ? args[1] : 'A';
    return `query${rrtype.charAt(0).toUpperCase()}${rrtype.slice(1).toLowerCase()}`;
  }
  return QUERIES[name] ?? 'query';
}

/** node's own DNS error: `queryA ENOTFOUND host`, with `code`, `syscall` and `hostname`. */
function dnsError(syscall: string, code: 'ENOTFOUND' | 'ECONNREFUSED', hostname: string): Error {
  const error = Object.assign(new Error(`${syscall} ${code} ${hostname}`), { code, syscall, hostname });
  if (syscall === 'getaddrinfo') Object.assign(error, { errno: ENOTFOUND_ERRNO });
  return error;
}

/** `1.2.3.4`, `1.2.3.4:5353`, `::1`, `[::1]:53` → host and port (53 by default). */
function serverTarget(server: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (bracketed !== null) return { host: bracketed[1] ?? '', port: Number(bracketed[2] ?? 53) };
  const hostPort = /^([^:]+):(\d+)$/.exec(server);
  if (hostPort !== null) return { host: hostPort[1] ?? '', port: Number(hostPort[2]) };
  return { host: server, port: 53 };
}
