import type { SerializedError } from './serialize-error.js';

/** How one invocation ended. Handler misbehaviour is an outcome, never an exception in the harness. */
export type Outcome =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: SerializedError }
  | { readonly kind: 'timeout'; readonly limitMs: number }
  | {
      readonly kind: 'crashed';
      /**
       * Why the runtime died: `process.exit`, heap exhaustion, an uncaught exception or unhandled rejection, or a
       * signal the handler sent its own runtime (`process.kill(process.pid, 'SIGKILL')`, `process.abort()`).
       */
      readonly reason: 'exit' | 'signal' | 'out-of-memory' | 'uncaught-exception' | 'unhandled-rejection' | 'worker-error';
      readonly exitCode: number | null;
      readonly error: SerializedError | undefined;
    }
  | {
      readonly kind: 'transport-error';
      readonly error: SerializedError;
      /**
       * How long the target asked to be left alone before the next delivery (HTTP `Retry-After` on a 429 or 503), in
       * ms, as the runner read it; the remote guard waits at least this long. Absent when the target did not say.
       */
      readonly retryAfterMs?: number;
    };

/**
 * Where in the handler's code a probed call came from: the first stack frame outside node and eventfuzz, as
 * `file:line:column`, followed by FROM_EVALUATED_CODE when code that `eval`, `Function` or `vm` produced made the call.
 */
export type CallSite = string;

/**
 * Marks a call site whose call was made by evaluated code (the `Function` a vm-escape payload reaches through
 * `this.constructor.constructor`, a command run by injected code): the frame named is the first real one below
 * that code, the one that called it, not the sink that made it.
 */
export const FROM_EVALUATED_CODE = ' (from evaluated code)';

/** A child process the handler tried to start. */
export interface ProcessEffect {
  readonly kind: 'process';
  /** The API used, e.g. `child_process.exec`, `child_process.spawnSync`. */
  readonly api: string;
  /** The program as passed (for `exec*` the shell, e.g. `/bin/sh`). */
  readonly file: string;
  readonly args: readonly string[];
  /** The command text a shell will interpret, or `null` when no shell is involved. */
  readonly script: string | null;
  /** True when the probe refused to run it (it carried a payload token and `--allow-exec` was off). */
  readonly blocked: boolean;
  /**
   * Blocked, and the handler was told it succeeded with empty output (a fixed program without a shell): whatever
   * the handler did next with that made-up output is not its bug. Absent when the call ran or failed.
   */
  readonly emulatedSuccess?: boolean;
  /** Blocked, and the handler was handed this shell error (`/bin/sh: 1: echo: not found`) as the script's stderr. */
  readonly blockedFailure?: string;
  readonly callSite: CallSite;
}

/** A file-system call. `path` as passed; `resolved` absolute. */
export interface FileEffect {
  readonly kind: 'file';
  readonly api: string;
  readonly op: 'read' | 'write' | 'delete' | 'list' | 'other';
  readonly path: string;
  readonly resolved: string;
  /**
   * Where the call really lands when that differs from `resolved`: the OS follows the symlinks of the path's
   * existing prefix (`/tmp/link/x` with /tmp/link a symlink to a home directory lands in that home directory).
   */
  readonly real?: string;
  readonly blocked: boolean;
  readonly callSite: CallSite;
  /**
   * True when the call's real location (`real`, else `resolved`) lies outside the roots a handler may use (its task root, os.tmpdir() and /tmp). Decided by
   * the probe, which knows the task root; absent when the recorder could not tell (older corpora, custom probes).
   */
  readonly outsideRoots?: boolean;
}

/** An outbound connection attempt. */
export interface NetworkEffect {
  readonly kind: 'network';
  readonly api: string;
  readonly host: string;
  readonly port: number | null;
  readonly url: string | null;
  readonly blocked: boolean;
  readonly callSite: CallSite;
}

/** Text handed to a code-evaluation sink (eval, Function, vm.*, a function-reviving deserializer). */
export interface CodeEvalEffect {
  readonly kind: 'code-eval';
  readonly api: string;
  readonly code: string;
  readonly callSite: CallSite;
}

/** Proof of execution: the canary program ran, or the canary function was called, with this token. */
export interface CanaryEffect {
  readonly kind: 'canary';
  readonly via: 'program' | 'function';
  readonly token: string;
  readonly detail: string;
}

/** A built-in prototype or global gained or changed a property during the invocation. */
export interface GlobalsEffect {
  readonly kind: 'globals-modified';
  readonly target: string;
  readonly key: string;
  readonly detail: string;
}

export type Effect = ProcessEffect | FileEffect | NetworkEffect | CodeEvalEffect | CanaryEffect | GlobalsEffect;

/** Everything a runner saw of one invocation. Every runner returns this same shape. */
export interface Observation {
  readonly caseId: string;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** Console output, stdout and stderr written during the invocation, one entry per write (capped). */
  readonly logs: readonly string[];
  /** Side effects recorded by probes; `undefined` when the runner cannot observe them (remote targets). */
  readonly effects: readonly Effect[] | undefined;
  /** Which warm instance served the invocation (worker id), for oracles that compare invocations. */
  readonly instance: string;
}

/**
 * True when no probes watched the invocation: a remote target (a deployed function, an HTTP endpoint), whose
 * runner leaves `effects` undefined. Oracles then judge by what came back only (evaluated markers, shapes).
 */
export function isUnprobed(observation: Pick<Observation, 'effects'>): boolean {
  return observation.effects === undefined;
}
