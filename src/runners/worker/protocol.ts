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
}

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
 * Worker → host: one invocation finished. A `crashed` outcome means the worker's runtime is poisoned (like a
 * Lambda runtime after an uncaught exception): it takes no further work and the host replaces it.
 */
export interface ResultMessage {
  readonly type: 'result';
  readonly id: number;
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly logs: readonly string[];
  readonly effects: readonly Effect[];
}

/** Every message a worker sends. */
export type WorkerMessage = ReadyMessage | LoadFailedMessage | ResultMessage;
