import type { ProbeContext } from './recorder.js';
import type { ChildProcess } from 'node:child_process';
import type { ProcessEffect } from '../core/index.js';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { promisify } from 'node:util';
import { CANARY_PATTERN } from '../core/index.js';
import {
  blockedChild,
  blockedPromise,
  blockedSpawnSyncResult,
  blockedSyncError,
  blockedSyncOutput,
  blockedWithCallback,
  notFoundText,
  type BlockOutcome,
} from './blocked-call.js';
import type { SpawnBindingGuard } from './spawn-bindings.js';
import { clipProcessText as clip, describeSpawnCall, SPAWNERS, type SpawnCall, type SpawnerName } from './spawn-call.js';

/** @internal What the child_process probe needs from its installer. */
export interface ChildProcessProbeOptions extends ProbeContext {
  /** When false (the default on a developer machine), calls that carry a payload token are recorded and refused. */
  readonly allowExec: boolean;
  /** The native spawn guard below these wrappers, told to stand aside for calls judged here. */
  readonly bindings: SpawnBindingGuard;
}

type AnyFunction = (...args: unknown[]) => unknown;

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const defineProperty = Object.defineProperty;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const regExpExec = RegExp.prototype.exec;

/**
 * @internal
 * Replaces every spawning function on node's single `child_process` exports object, so CommonJS `require`, the
 * default import, `__importStar` copies made after installation and, via `syncBuiltinESMExports`, ESM named
 * imports all reach the wrapper. Wrappers keep `name`, `length` and `util.promisify` behaviour; calls that carry
 * no payload token run untouched. Install before the handler loads: copies taken earlier keep the originals.
 */
export function installChildProcessProbe(options: ChildProcessProbeOptions): void {
  const cp = createRequire(import.meta.url)('node:child_process') as Record<string | symbol, unknown>;
  const ChildProcessCtor = cp['ChildProcess'] as new () => ChildProcess;
  // node's exec() hands over to `module.exports.execFile`, i.e. our wrapper: that inner call is the same command.
  let forwarding = false;

  const inspect = (name: SpawnerName, argv: unknown[], quiet: boolean): { call: SpawnCall; blocked: boolean } | undefined => {
    const call = describeSpawnCall(name, argv);
    if (call === undefined) return undefined; // node rejects the arguments itself; let it
    const blocked = !options.allowExec && carriesToken(call);
    if (!quiet) options.record(processEffect(call, blocked, options.callSite()));
    return { call, blocked };
  };

  const runOriginal = (name: SpawnerName, fn: AnyFunction, self: unknown, argv: unknown[]): unknown =>
    options.bindings.passThrough(() => {
      if (name !== 'exec') return apply(fn, self, argv);
      forwarding = true;
      try {
        return apply(fn, self, argv);
      } finally {
        forwarding = false;
      }
    });

  for (const name of SPAWNERS) {
    const original = cp[name];
    if (typeof original !== 'function') continue;
    const wrapper = function (this: unknown, ...argv: unknown[]): unknown {
      const quiet = forwarding;
      forwarding = false;
      const seen = inspect(name, argv, quiet);
      if (seen === undefined || !seen.blocked) return runOriginal(name, original as AnyFunction, this, argv);
      return refuse(seen.call, argv, ChildProcessCtor, blockOutcome(seen.call));
    };
    mirror(wrapper, original as AnyFunction);
    const custom = (original as unknown as Record<symbol, unknown>)[promisify.custom];
    if (typeof custom === 'function') {
      // node's own promisified exec/execFile bypasses the exports object, so it needs its own wrapper.
      const promised = function (this: unknown, ...argv: unknown[]): unknown {
        const seen = inspect(name, argv, false);
        if (seen === undefined || !seen.blocked) return runOriginal(name, custom as AnyFunction, this, argv);
        return blockedPromise(seen.call, ChildProcessCtor, blockOutcome(seen.call));
      };
      mirror(promised, custom as AnyFunction);
      const descriptor = getOwnPropertyDescriptor(original, promisify.custom);
      defineProperty(wrapper, promisify.custom, { ...descriptor, value: promised });
    }
    cp[name] = wrapper;
  }
  syncBuiltinESMExports();
}

/**
 * @internal
 * How a refused call ends. A call without a shell whose program carries no token cannot start a payload-chosen
 * command (the fixed program may still act on its arguments, which is why it stays blocked): it "succeeds", so the
 * handler's reaction to a fake failure is never reported as its bug. A shell script, or a program the payload names,
 * fails the way a missing command does.
 */
export function blockOutcome(call: SpawnCall): BlockOutcome {
  if (call.script !== null) return 'failed';
  return apply(regExpExec, CANARY_PATTERN, [call.file]) === null ? 'succeeded' : 'failed';
}

/** What the handler sees instead of a run, in the form the API reports its outcome. */
function refuse(call: SpawnCall, argv: readonly unknown[], ChildProcessCtor: new () => ChildProcess, outcome: BlockOutcome): unknown {
  switch (call.api) {
    case 'exec':
    case 'execFile': {
      const callback = call.callbackIndex === -1 ? undefined : argv[call.callbackIndex];
      return blockedWithCallback(call, ChildProcessCtor, outcome, callback as Parameters<typeof blockedWithCallback>[3]);
    }
    case 'execSync':
    case 'execFileSync':
      if (outcome === 'succeeded') return blockedSyncOutput(call);
      throw blockedSyncError(call);
    case 'spawnSync':
      return blockedSpawnSyncResult(call, outcome);
    case 'spawn':
    case 'fork':
      return blockedChild(call, ChildProcessCtor, outcome);
  }
}

function carriesToken(call: SpawnCall): boolean {
  for (let i = 0; i < call.texts.length; i++) {
    if (apply(regExpExec, CANARY_PATTERN, [call.texts[i]]) !== null) return true;
  }
  return false;
}

function processEffect(call: SpawnCall, blocked: boolean, callSite: string): ProcessEffect {
  const args: string[] = [];
  for (let i = 0; i < call.args.length; i++) args[i] = clip(call.args[i] ?? '');
  return {
    kind: 'process',
    api: `child_process.${call.api}`,
    file: clip(call.file),
    args,
    script: call.script === null ? null : clip(call.script),
    blocked,
    ...(blocked ? blockedEnding(call) : {}),
    callSite,
  };
}

/** How a blocked call ended for the handler, as the oracles need to recognise its consequences. */
function blockedEnding(call: SpawnCall): Pick<ProcessEffect, 'emulatedSuccess' | 'blockedFailure'> {
  if (blockOutcome(call) === 'succeeded') return { emulatedSuccess: true };
  return call.script === null ? {} : { blockedFailure: clip(notFoundText(call).trim()) };
}

/** Same `name` and `length` as the original, so code that introspects the function sees no difference. */
function mirror(wrapper: AnyFunction, original: AnyFunction): void {
  defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  defineProperty(wrapper, 'length', { value: original.length, configurable: true });
}

