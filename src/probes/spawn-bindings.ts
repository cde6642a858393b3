import type { ProcessEffect } from '../core/index.js';
import { BroadcastChannel } from 'node:worker_threads';
import { childrenChannelName, type StartedChild } from '../core/children.js';
import { CANARY_PATTERN } from '../core/index.js';
import type { ProbeContext } from './recorder.js';
import { clipProcessText as clip } from './spawn-call.js';

/** @internal What the binding guard needs from its installer. */
export interface SpawnBindingGuardOptions extends ProbeContext {
  readonly allowExec: boolean;
  /** `KEY=value` pairs every started process gets (the child probes), given its current NODE_OPTIONS. */
  readonly childEnv: (existingNodeOptions: string | undefined) => readonly string[];
  /** Where started processes are announced instead of the children channel (a process realm), read at each call. */
  readonly announceChild?: ((child: StartedChild) => void) | undefined;
}

/** @internal Lets the `child_process` wrappers pass their own, already judged, calls through the bindings. */
export interface SpawnBindingGuard {
  /** Runs `fn` with the guard standing aside: the exports-level wrapper recorded and judged this call. */
  passThrough<T>(fn: () => T): T;
}

type SpawnOptions = { readonly file?: unknown; readonly args?: unknown; readonly envPairs?: unknown; readonly cwd?: unknown };
type NativeSpawn = (this: unknown, options: SpawnOptions) => unknown;

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const regExpExec = RegExp.prototype.exec;
const isArray = Array.isArray;
const stringStartsWith = String.prototype.startsWith;
const stringSlice = String.prototype.slice;
/** libuv's "no such file or directory": what a missing program gives, so callers take their real error path. */
const UV_ENOENT = -2;

/**
 * @internal
 * Guards the two native calls every child process of node goes through: `Process.prototype.spawn` of the
 * `process_wrap` binding (spawn, exec, execFile, fork, `new ChildProcess().spawn()`) and `spawn` of the
 * `spawn_sync` binding (execSync, execFileSync, spawnSync). The `child_process` wrappers judge the calls made
 * through the module's API with the right emulation; this catches what goes around it: `ChildProcess#spawn`
 * called directly, `process.binding('spawn_sync')`, `process.binding('process_wrap')`. A payload-carrying call
 * is recorded and fails as a missing program does (ENOENT): stdio and exit events follow as node makes them, so
 * nothing waits for a child that never started.
 */
export function installSpawnBindingGuard(options: SpawnBindingGuardOptions): SpawnBindingGuard {
  let standingAside = 0;
  const children = new BroadcastChannel(childrenChannelName());
  children.unref();
  const announce = (child: StartedChild): void => {
    const direct = options.announceChild;
    if (direct !== undefined) {
      direct(child);
      return;
    }
    try {
      children.postMessage(child);
    } catch {
      // the channel is closed (the realm is ending): the process-exit sweep still has the earlier ones
    }
  };
  const binding = (name: string): Record<string, unknown> | undefined => {
    try {
      return (process as unknown as { binding(name: string): Record<string, unknown> }).binding(name);
    } catch {
      return undefined; // a runtime without the legacy bindings: nothing reachable to guard
    }
  };

  /** Adds the child probes' variables to the environment node is about to hand the child. */
  const carryProbes = (spawnOptions: SpawnOptions): void => {
    const env = spawnOptions.envPairs;
    if (!isArray(env)) return;
    const pairs = env as string[];
    let nodeOptionsAt = -1;
    for (let i = 0; i < pairs.length; i++) if (typeof pairs[i] === 'string' && apply(stringStartsWith, pairs[i], ['NODE_OPTIONS='])) nodeOptionsAt = i;
    const extra = options.childEnv(nodeOptionsAt === -1 ? undefined : (apply(stringSlice, pairs[nodeOptionsAt], [13]) as string));
    for (let i = 0; i < extra.length; i++) {
      const pair = extra[i]!;
      if (nodeOptionsAt !== -1 && apply(stringStartsWith, pair, ['NODE_OPTIONS='])) pairs[nodeOptionsAt] = pair;
      else pairs[pairs.length] = pair;
    }
  };

  const judge = (api: string, spawnOptions: SpawnOptions): boolean => {
    if (standingAside > 0 || options.allowExec) return false;
    const described = describe(spawnOptions);
    if (described === undefined || !described.texts.some((text) => apply(regExpExec, CANARY_PATTERN, [text]) !== null)) return false;
    options.record(effect(api, described, options.callSite()));
    return true;
  };

  const processWrap = binding('process_wrap');
  const ProcessCtor = processWrap?.['Process'] as { prototype: { spawn?: NativeSpawn } } | undefined;
  const asyncSpawn = ProcessCtor?.prototype.spawn;
  if (ProcessCtor !== undefined && typeof asyncSpawn === 'function') {
    const detachedFlag = (processWrap?.['constants'] as { kProcessFlagDetached?: unknown } | undefined)?.kProcessFlagDetached;
    ProcessCtor.prototype.spawn = function spawn(this: unknown, ...args: unknown[]): unknown {
      const call = asyncSpawnCall(args, typeof detachedFlag === 'number' ? detachedFlag : 1);
      if (judge('process_wrap.Process#spawn', call.options)) return UV_ENOENT;
      carryProbes(call.options); // in place: the environment array is the one node passes on
      const result = apply(asyncSpawn as (...args: unknown[]) => unknown, this, args);
      const pid = (this as { pid?: unknown }).pid;
      // Announced so the runner can end it at the end of the run, whatever the handler does with it.
      if (result === 0 && typeof pid === 'number') announce({ pid, detached: call.detached });
      return result;
    };
  }

  const spawnSync = binding('spawn_sync');
  const syncSpawn = spawnSync?.['spawn'];
  if (spawnSync !== undefined && typeof syncSpawn === 'function') {
    spawnSync['spawn'] = function spawn(this: unknown, spawnOptions: SpawnOptions): unknown {
      if (judge('spawn_sync.spawn', spawnOptions)) return { error: UV_ENOENT, status: null, signal: null, output: null, pid: 0 };
      carryProbes(spawnOptions);
      return apply(syncSpawn as NativeSpawn, this, [spawnOptions]);
    };
  }

  return {
    passThrough(fn) {
      standingAside++;
      try {
        return fn();
      } finally {
        standingAside--;
      }
    },
  };
}

/**
 * What `Process#spawn` was asked, in either of node's conventions: one options object (Node 20 and 22) or, since
 * Node 24, positional arguments `(file, args, cwd, envPairs, stdio, flags, uid, gid)` with `detached` a bit of
 * `flags`. Passing the hook's first argument alone to the native call broke every spawn on Node 24.
 */
function asyncSpawnCall(args: readonly unknown[], detachedFlag: number): { readonly options: SpawnOptions; readonly detached: boolean } {
  const [first] = args;
  if (typeof first === 'string') {
    const flags = args[5];
    return { options: { file: first, args: args[1], cwd: args[2], envPairs: args[3] }, detached: typeof flags === 'number' && (flags & detachedFlag) !== 0 };
  }
  const options = (typeof first === 'object' && first !== null ? first : {}) as SpawnOptions & { readonly detached?: unknown };
  return { options, detached: options.detached === true };
}

interface Described {
  readonly file: string;
  readonly args: readonly string[];
  readonly script: string | null;
  readonly texts: readonly string[];
}

function describe(spawnOptions: SpawnOptions): Described | undefined {
  if (typeof spawnOptions !== 'object' || spawnOptions === null || typeof spawnOptions.file !== 'string') return undefined;
  // Plain loops: the handler may have replaced the array methods at import.
  const texts: string[] = [spawnOptions.file];
  const args: string[] = [];
  const argv = isArray(spawnOptions.args) ? (spawnOptions.args as unknown[]) : [];
  for (let i = 0; i < argv.length; i++) {
    const arg = String(argv[i]);
    texts[texts.length] = arg;
    if (i > 0) args[args.length] = arg; // argv[0] is the program's own name
  }
  const env = isArray(spawnOptions.envPairs) ? (spawnOptions.envPairs as unknown[]) : [];
  for (let i = 0; i < env.length; i++) texts[texts.length] = String(env[i]);
  if (typeof spawnOptions.cwd === 'string') texts[texts.length] = spawnOptions.cwd;
  const script = args[0] === '-c' && args.length > 1 ? args[1]! : null;
  return { file: spawnOptions.file, args, script, texts };
}

function effect(api: string, call: Described, callSite: string): ProcessEffect {
  return {
    kind: 'process',
    api,
    file: clip(call.file),
    args: clipAll(call.args),
    script: call.script === null ? null : clip(call.script),
    blocked: true,
    blockedFailure: `spawn ${clip(call.file)} ENOENT`,
    callSite,
  };
}

function clipAll(texts: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < texts.length; i++) out[i] = clip(texts[i]!);
  return out;
}

