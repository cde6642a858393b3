import { serializeError } from '../core/index.js';
import type { Outcome } from '../core/observation.js';
import { handlerError } from './deadline.js';

type Crash = Extract<Outcome, { kind: 'crashed' }>;

/** Turns the events that kill a real Lambda runtime into `crashed` outcomes of the invocation that caused them. */
export interface CrashGuard {
  /** An invocation starts; `interrupt` ends it at once when it crashes. */
  enter(interrupt: (outcome: Outcome) => void): void;
  /** The invocation is over; returns its crash, if it had one. */
  leave(): Crash | undefined;
  /**
   * A crash that surfaced between invocations (a timer left behind by an earlier one). Like a Lambda instance
   * whose runtime died, the next invocation reports it instead of running.
   */
  takePending(): Crash | undefined;
  /** Removes our listeners and puts back the ones we displaced. */
  restore(): void;
}

/** What the guard takes over. */
export interface CrashGuardOptions {
  /**
   * Also replace `process.exit`: in-process the handler shares our process; in a worker it would end the
   * thread, where replacing the module instance is far cheaper than replacing the worker.
   */
  readonly interceptExit: boolean;
}

const CRASH_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/** Thrown inside the handler to unwind it after it called `process.exit`; the crash is already recorded. */
export class ExitIntercepted extends Error {
  /** `null` for a signal the handler sent its own runtime. */
  constructor(code: number | null) {
    super(code === null ? 'eventfuzz: the handler signalled its own runtime; the process was kept alive' : `eventfuzz: process.exit(${code}) called by the handler; the process was kept alive`);
    this.name = 'ExitIntercepted';
  }
}

/**
 * Installs `uncaughtException` / `unhandledRejection` listeners (and optionally a `process.exit` stand-in) for the
 * runner's lifetime. Listeners already present (a test runner's) are removed meanwhile: they would report the
 * handler's failure as the harness's own.
 */
export function installCrashGuard(options: CrashGuardOptions): CrashGuard {
  let interrupt: ((outcome: Outcome) => void) | undefined;
  let current: Crash | undefined;
  let pending: Crash | undefined;

  const record = (crash: Crash): void => {
    if (interrupt !== undefined) {
      if (current !== undefined) return; // the first crash is the cause; the rest are fallout
      current = crash;
      interrupt(crash);
    } else {
      pending ??= crash;
    }
  };

  const onException = (error: unknown): void =>
    record({ kind: 'crashed', reason: 'uncaught-exception', exitCode: null, error: handlerError(error) });
  const onRejection = (reason: unknown): void =>
    record({ kind: 'crashed', reason: 'unhandled-rejection', exitCode: null, error: handlerError(reason) });

  const displaced = new Map<string, ((...args: unknown[]) => void)[]>();
  for (const event of CRASH_EVENTS) {
    displaced.set(event, process.rawListeners(event) as ((...args: unknown[]) => void)[]);
    process.removeAllListeners(event);
  }
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);

  const originalExit = process.exit;
  const originalKill = process.kill;
  const originalAbort = process.abort;
  // What process.exit and process.kill call underneath, also reachable by the handler: `process.reallyExit(1)`
  // would end eventfuzz in-process, `process._kill(process.ppid, 9)` kill eventfuzz from a process realm.
  const raw = process as unknown as RawProcess;
  const originalReallyExit = raw.reallyExit;
  const originalRawKill = raw._kill;
  if (options.interceptExit) {
    process.exit = ((code?: string | number | null) => {
      const exitCode = toExitCode(code);
      record({ kind: 'crashed', reason: 'exit', exitCode, error: undefined });
      throw new ExitIntercepted(exitCode);
    }) as typeof process.exit;
    process.kill = guardedKill(originalKill, (what) => {
      record({ kind: 'crashed', reason: 'signal', exitCode: null, error: serializeError(new Error(what)) });
      throw new ExitIntercepted(null);
    });
    process.abort = (() => {
      record({ kind: 'crashed', reason: 'signal', exitCode: null, error: serializeError(new Error('process.abort() (SIGABRT)')) });
      throw new ExitIntercepted(null);
    }) as typeof process.abort;
    raw.reallyExit = (code) => {
      const exitCode = toExitCode(code);
      record({ kind: 'crashed', reason: 'exit', exitCode, error: undefined });
      throw new ExitIntercepted(exitCode);
    };
    raw._kill = guardedRawKill(originalRawKill, (what) => {
      record({ kind: 'crashed', reason: 'signal', exitCode: null, error: serializeError(new Error(what)) });
      throw new ExitIntercepted(null);
    });
  }

  return {
    enter(next) {
      interrupt = next;
      current = undefined;
    },
    leave() {
      const crash = current;
      interrupt = undefined;
      current = undefined;
      return crash;
    },
    takePending() {
      const crash = pending;
      pending = undefined;
      return crash;
    },
    restore() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
      for (const [event, listeners] of displaced) for (const listener of listeners) process.on(event, listener);
      if (options.interceptExit) {
        process.exit = originalExit;
        process.kill = originalKill;
        process.abort = originalAbort;
        raw.reallyExit = originalReallyExit;
        raw._kill = originalRawKill;
      }
    },
  };
}

/**
 * `process.kill` as the handler may use it. The runtime the handler runs in is eventfuzz's own process (a worker
 * thread of it, or the main thread in-process), and its parent is whatever started eventfuzz: a signal to either,
 * or to a process group (pid 0 or negative), would end the run without a report or kill the user's shell. Such a
 * call is the handler killing its runtime, as it would on Lambda: recorded as a crash, and the handler unwound.
 * Another pid is refused with EPERM (a handler has no business signalling the user's processes; its own children
 * have `child.kill()`), and signal 0 (does the process exist?) is passed through.
 */
function guardedKill(original: typeof process.kill, killedRuntime: (what: string) => never): typeof process.kill {
  const runtimeTarget = runtimeTargetOf();
  return ((pid: number, signal?: string | number) => {
    if (signal === 0) return original(pid, 0);
    const target = runtimeTarget(pid);
    if (target !== undefined) killedRuntime(`process.kill(${pid}, ${JSON.stringify(signal ?? 'SIGTERM')}): ${target}`);
    const refused = new Error(`kill EPERM`) as NodeJS.ErrnoException;
    refused.code = 'EPERM';
    refused.errno = -1;
    refused.syscall = 'kill';
    throw refused;
  }) as typeof process.kill;
}

/** Node's internals under `process.exit` and `process.kill`: `_kill` returns a negative errno instead of throwing. */
interface RawProcess {
  reallyExit(code?: number): never;
  _kill(pid: number, signal: number): number;
}

/** libuv's EPERM, which `process.kill` turns into the error a refused signal raises. */
const UV_EPERM = -1;

/** `process._kill`, with the rule of {@link guardedKill}. */
function guardedRawKill(original: RawProcess['_kill'], killedRuntime: (what: string) => never): RawProcess['_kill'] {
  const runtimeTarget = runtimeTargetOf();
  return (pid, signal) => {
    if (signal === 0) return original(pid, 0);
    const target = runtimeTarget(pid);
    if (target !== undefined) killedRuntime(`process._kill(${pid}, ${signal}): ${target}`);
    return UV_EPERM;
  };
}

/**
 * The rule both kill guards keep: a signal to the handler's own runtime, to the process that started it, or to a
 * process group (pid 0 or negative) is the handler killing its runtime; says which, or undefined for another pid.
 * The pids are read when the guard is installed, before the handler can change what `process` reports.
 */
function runtimeTargetOf(): (pid: unknown) => string | undefined {
  const ownPid = process.pid;
  const parentPid = process.ppid;
  return (pid) => {
    const target = Number(pid);
    if (target === ownPid) return 'its own runtime';
    if (target === parentPid) return 'the process that started the runtime';
    return target > 0 ? undefined : 'a whole process group';
  };
}

function toExitCode(code: string | number | null | undefined): number {
  const value = Number(code ?? process.exitCode ?? 0);
  return Number.isInteger(value) ? value : 0;
}
