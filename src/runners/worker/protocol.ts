import type { Effect, Outcome } from '../../core/observation.js';

/** Passed as `workerData`: everything a worker needs to become a warm Lambda instance. */
export interface WorkerSetup {
  readonly file: string;
  readonly exportName: string;
  readonly timeoutMs: number;
  readonly functionName: string;
  readonly memoryLimitMb: number;
  readonly allowExec: boolean;
  readonly taskRoot: string;
  readonly extraWritableRoots?: readonly string[] | undefined;
}

/** What a realm's bootstrap receives: the setup, and the entry module it imports once tsx is registered. */
export type RealmSetup = WorkerSetup & { readonly entryUrl: string };

/** Host → worker: run one invocation. Invocations are run one at a time, in the order they arrive. */
export interface InvokeMessage {
  readonly type: 'invoke';
  /** Pool-wide sequence number, echoed in the result. */
  readonly id: number;
  readonly event: unknown;
}

/** Worker → host: the handler is loaded and the worker takes work. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Worker → host: the handler did not load; `code` and `message` rebuild the same HarnessError on the host. */
export interface LoadFailedMessage {
  readonly type: 'load-failed';
  readonly code: string;
  readonly message: string;
}

/**
 * Worker → host: one invocation finished. After a `crashed` outcome the worker replaces the module instance
 * that crashed (like a Lambda runtime after an uncaught exception) before it runs the next invocation.
 */
export interface ResultMessage {
  readonly type: 'result';
  readonly id: number;
  /** Which module instance of this worker ran it: 0 first, one more after each crash (a new warm container). */
  readonly generation: number;
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly logs: readonly string[];
  readonly effects: readonly Effect[];
  /**
   * A process realm's cumulative event-loop utilization when it sent this (a worker thread's the pool reads
   * itself): the growth rule compares windows of it.
   */
  readonly loop?: { readonly idle: number; readonly active: number };
}

/**
 * Worker → host, from a process realm: an effect of invocation `id`, sent the moment a probe recorded it. The
 * result carries them all again; these matter only when the runtime dies before it can send one.
 */
export interface EffectMessage {
  readonly type: 'effect';
  readonly id: number;
  readonly effect: Effect;
}

/**
 * Worker → host, from a process realm: the handler started this process. A worker thread announces it on the
 * children channel of eventfuzz's own process (children.ts); a child process has a channel of its own, which the
 * pool does not hear, so the entry relays it.
 */
export interface ChildStartedMessage {
  readonly type: 'child-started';
  readonly pid: number;
  readonly detached: boolean;
}

/**
 * Worker → host: this worker has built as many module instances as it may (they cannot be unloaded) and takes
 * no further work; what it was handed and did not run is to be run elsewhere. The host terminates it.
 */
export interface RetiringMessage {
  readonly type: 'retiring';
}

/** Every message a worker sends. */
export type WorkerMessage = ReadyMessage | LoadFailedMessage | ResultMessage | RetiringMessage | ChildStartedMessage | EffectMessage;
