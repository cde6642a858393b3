import type { ProbeContext } from './recorder.js';
import type { FileEffect } from '../core/index.js';
import type { FsFamily, PathRole } from './fs-calls.js';
import { constants } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { resolve, sep } from 'node:path';
import { CANARY_PATTERN } from '../core/index.js';
import { failingStreamFs, fsError, refusal } from './fs-blocked.js';
import { realLocation } from './real-location.js';
import { decodePath, flagsWrite, FS_FAMILIES } from './fs-calls.js';

/** @internal What the fs probe needs from its installer. */
export interface FsProbeOptions extends ProbeContext {
  /** When false (the default), writes and deletes that carry a payload token and leave the allowed roots are refused. */
  readonly allowExec: boolean;
  /** The handler's root directory: with os.tmpdir() and /tmp, where payload-named writes may land. */
  readonly taskRoot: string;
  /** Replaces the default writable roots (task root, os.tmpdir(), /tmp) when given. */
  readonly writableRoots?: readonly string[] | undefined;
}

type AnyFunction = (...args: unknown[]) => unknown;
type Form = 'callback' | 'sync' | 'promise';

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const ownKeys = Reflect.ownKeys;
const defineProperty = Object.defineProperty;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const regExpExec = RegExp.prototype.exec;
const SafePromise = Promise;
const SafeTypeError = TypeError;
const safeSetImmediate = globalThis.setImmediate;
const processCwd = process.cwd;
/** Keeps recorded effects bounded: a handler may build a megabyte-long path. */
const MAX_PATH = 4_096;
const SKIPPED_KEYS = new Set<string | symbol>(['length', 'name', 'prototype', 'arguments', 'caller']);

/** One path argument that carries a payload token. */
interface TaintedPath {
  readonly passed: string;
  readonly resolved: string;
  /** Where the call really lands: `resolved` as the OS walks it, through the symlinks of its existing prefix. */
  readonly real: string;
  readonly role: PathRole;
  readonly outside: boolean;
}

/**
 * @internal
 * Wraps every path-taking function of `node:fs` (callback, `Sync` and `fs.promises`, plus the stream constructors) on
 * node's single exports objects, so `require`, default and namespace imports and, via `syncBuiltinESMExports`, ESM
 * named imports of `node:fs` and `node:fs/promises` reach the wrappers; `fs.promises` keeps its identity.
 *
 * Only calls whose path (string, Buffer or `file:` URL) carries a payload token are looked at: they are recorded
 * (inside a begin/end window) and, when they write or delete outside the task root and the temp directory (where
 * they really land, symlinks followed: see real-location.ts), refused
 * with the error node would give, through the API's own channel. Every other call runs untouched. Node's own
 * nested calls (readFileSync → openSync, appendFile → writeFile) belong to the outer call and are not seen twice.
 */
export function installFsProbe(options: FsProbeOptions): void {
  const require = createRequire(import.meta.url);
  const fs = require('node:fs') as Record<string, unknown>;
  const fsp = require('node:fs/promises') as Record<string, unknown>;
  // The installer may change the task root between runs (installProbes): recomputed when it does.
  let rootsFor: readonly string[] | undefined;
  let roots: readonly string[] = [];
  const currentRoots = (): readonly string[] => {
    const dirs = options.writableRoots ?? [options.taskRoot, tmpdir(), '/tmp'];
    if (rootsFor === undefined || dirs.length !== rootsFor.length || dirs.some((dir, i) => dir !== rootsFor![i])) {
      rootsFor = dirs;
      roots = allowedRoots(dirs);
    }
    return roots;
  };
  // >0 while an original runs synchronously: anything it calls through the exports object is part of that call.
  let depth = 0;
  // Token paths of streams being constructed: their deferred fs.open is the stream's own, already judged.
  const streamOpens = new Map<string, number>();

  const taintedPaths = (argv: readonly unknown[], roles: readonly PathRole[], followsLast: boolean): TaintedPath[] | undefined => {
    let out: TaintedPath[] | undefined;
    for (let i = 0; i < roles.length; i++) {
      const passed = decodePath(argv[i]);
      if (passed === undefined || apply(regExpExec, CANARY_PATTERN, [passed]) === null) continue;
      const resolved = resolve(passed);
      // Judged where it really lands: `/tmp/link/x` with /tmp/link a symlink to a home directory is a home write.
      const real = realLocation(passed, apply(processCwd, process, []) as string, followsLast);
      (out ??= [])[out.length] = { passed, resolved, real, role: roles[i] ?? 'other', outside: !isInside(real, currentRoots()) };
    }
    return out;
  };

  /** Records the tainted paths of one call and says whether to refuse it. */
  const judge = (api: string, tainted: readonly TaintedPath[]): boolean => {
    let block = false;
    for (const p of tainted) {
      if (!options.allowExec && p.outside && (p.role === 'write' || p.role === 'delete') && !p.passed.includes('\u0000')) block = true;
    }
    const callSite = options.callSite();
    for (const p of tainted) options.record(fileEffect(api, p, block, callSite));
    return block;
  };

  const runOriginal = (fn: AnyFunction, self: unknown, argv: unknown[]): unknown => {
    depth++;
    try {
      return apply(fn, self, argv);
    } finally {
      depth--;
    }
  };

  const wrap = (target: Record<string, unknown>, key: string, api: string, family: FsFamily, form: Form): void => {
    const original = target[key];
    if (typeof original !== 'function') return;
    const wrapper = function (this: unknown, ...argv: unknown[]): unknown {
      if (depth > 0) return apply(original, this, argv);
      const opensForWrite = family.name === 'open' && flagsWrite(argv[1]);
      const roles = opensForWrite ? (['write'] as const) : family.roles;
      const tainted = taintedPaths(argv, roles, family.followsLast);
      if (tainted === undefined) return runOriginal(original as AnyFunction, this, argv);
      if (family.name === 'open' && form === 'callback' && takeStreamOpen(streamOpens, tainted[0]?.passed)) {
        return runOriginal(original as AnyFunction, this, argv);
      }
      if (!judge(api, tainted)) return runOriginal(original as AnyFunction, this, argv);
      const opts = argv[1] as { force?: unknown; recursive?: unknown } | null | undefined;
      const needsTarget = opensForWrite ? !createsFile(argv[1]) : family.needsTarget;
      const error = refusal(
        family.syscall,
        pathArguments(argv, roles.length),
        needsTarget,
        {
          force: family.name === 'rm' && typeof opts === 'object' && opts?.force === true,
          recursiveMkdir: family.name === 'mkdir' && typeof opts === 'object' && opts?.recursive === true,
        },
      );
      return deliver(form, error, argv);
    };
    mirror(wrapper, original as AnyFunction);
    target[key] = wrapper;
  };

  for (const family of FS_FAMILIES) {
    if (family.forms.includes('c')) wrap(fs, family.name, `fs.${family.name}`, family, 'callback');
    if (family.forms.includes('s')) wrap(fs, `${family.name}Sync`, `fs.${family.name}Sync`, family, 'sync');
    if (family.forms.includes('p')) wrap(fsp, family.name, `fs.promises.${family.name}`, family, 'promise');
  }
  wrapStream(fs, 'createReadStream', 'read');
  wrapStream(fs, 'createWriteStream', 'write');
  syncBuiltinESMExports();

  function wrapStream(target: Record<string, unknown>, key: string, role: PathRole): void {
    const original = target[key];
    if (typeof original !== 'function') return;
    const wrapper = function (this: unknown, ...argv: unknown[]): unknown {
      if (depth > 0) return apply(original, this, argv);
      const tainted = taintedPaths(argv, [role], true);
      const first = tainted?.[0];
      if (tainted === undefined || first === undefined) return runOriginal(original as AnyFunction, this, argv);
      if (!judge(`fs.${key}`, tainted)) {
        streamOpens.set(first.passed, (streamOpens.get(first.passed) ?? 0) + 1);
        return runOriginal(original as AnyFunction, this, argv);
      }
      const error = refusal('open', [first.passed], false, {}) ?? fsError('EACCES', 'open', [first.passed]);
      const given = argv[1];
      const streamOptions = typeof given === 'string' ? { encoding: given } : typeof given === 'object' && given !== null ? { ...given } : {};
      const failing = failingStreamFs(error, fs, (fn) => safeSetImmediate(fn));
      return runOriginal(original as AnyFunction, this, [argv[0], { ...streamOptions, fs: failing }]);
    };
    mirror(wrapper, original as AnyFunction);
    target[key] = wrapper;
  }
}

/** Delivers a refusal (or, for `rm --force` on nothing, a success) the way the API reports its results. */
function deliver(form: Form, error: Error | undefined, argv: readonly unknown[]): unknown {
  if (form === 'sync') {
    if (error !== undefined) throw error;
    return undefined;
  }
  if (form === 'promise') return new SafePromise((ok, fail) => (error === undefined ? ok(undefined) : fail(error)));
  let callback: AnyFunction | undefined;
  for (let i = argv.length - 1; i >= 0 && callback === undefined; i--) if (typeof argv[i] === 'function') callback = argv[i] as AnyFunction;
  if (callback === undefined) {
    throw Object.assign(new SafeTypeError('The "cb" argument must be of type function. Received undefined'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  const cb = callback;
  safeSetImmediate(() => cb(error ?? null));
  return undefined;
}

/** Every path argument of the call, decoded (a refusal names source and destination, tainted or not). */
function pathArguments(argv: readonly unknown[], count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out[i] = decodePath(argv[i]) ?? '';
  return out;
}

/** `open` flags that create a missing file (`w`, `a`, O_CREAT): a refusal then depends on the parent directory. */
function createsFile(flags: unknown): boolean {
  return typeof flags === 'string' ? /[wa]/.test(flags) : typeof flags === 'number' && (flags & constants.O_CREAT) !== 0;
}

function takeStreamOpen(pending: Map<string, number>, path: string | undefined): boolean {
  if (path === undefined) return false;
  const count = pending.get(path);
  if (count === undefined) return false;
  if (count <= 1) pending.delete(path);
  else pending.set(path, count - 1);
  return true;
}

/**
 * The writable roots by their real location (paths are judged by theirs: a root named through a symlink, as
 * /tmp is on macOS, must still hold what lands in it), each with a trailing separator.
 */
function allowedRoots(dirs: readonly string[]): readonly string[] {
  const withSep = (dir: string): string => (dir.endsWith(sep) ? dir : dir + sep);
  const cwd = apply(processCwd, process, []) as string;
  return [...new Set(dirs.map((dir) => withSep(realLocation(dir, cwd, true))))];
}

function isInside(real: string, roots: readonly string[]): boolean {
  for (const root of roots) if (real.startsWith(root) || `${real}${sep}` === root) return true;
  return false;
}

function fileEffect(api: string, p: TaintedPath, blocked: boolean, callSite: string): FileEffect {
  const effect: FileEffect = { kind: 'file', api, op: p.role, path: clip(p.passed), resolved: clip(p.resolved), blocked, callSite, outsideRoots: p.outside };
  // Only when a symlink (or `..` after one) takes the call elsewhere: most effects stay as they were.
  return p.real === p.resolved ? effect : { ...effect, real: clip(p.real) };
}

/** Same `name`, `length` and own properties (`promisify.custom`, `realpath.native`) as the original. */
function mirror(wrapper: AnyFunction, original: AnyFunction): void {
  defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  for (const key of ownKeys(original)) {
    if (SKIPPED_KEYS.has(key)) continue;
    const descriptor = getOwnPropertyDescriptor(original, key);
    if (descriptor !== undefined) defineProperty(wrapper, key, descriptor);
  }
}

function clip(text: string): string {
  return text.length > MAX_PATH ? `${text.slice(0, MAX_PATH)}…(${text.length - MAX_PATH} more chars)` : text;
}
