import type { EventLoopUtilization } from 'node:perf_hooks';
import type { WorkerMessage, WorkerSetup } from './protocol.js';

/**
 * Where a warm instance runs. `process` (the default): a child process of its own, as Lambda runs each runtime,
 * so nothing the handler does (a native crash, a signal, an abort, a native addon's exit) can end eventfuzz.
 * `thread`: a worker thread of eventfuzz's process: cheaper to start, but a native crash in it ends the run.
 */
export type Isolation = 'process' | 'thread';
export const isolations: readonly Isolation[] = ['process', 'thread'];

/** How a realm ended: the exit code, or the signal that killed it (a process only). */
export interface RealmExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What a slot needs from the realm its instance runs in, whichever kind it is. */
export interface Realm {
  readonly isolation: Isolation;
  /**
   * False once the realm has ended, even before its exit is reported (a process realm reads the rest of its
   * stderr first): the watchdog must not call a runtime that died on its own a hang.
   */
  readonly alive: boolean;
  postMessage(message: unknown): void;
  /** Keeps eventfuzz alive while the instance holds work; `unref` lets it exit while the instance idles. */
  ref(): void;
  unref(): void;
  /** Ends the realm at once (a hung instance cannot be asked). Resolves once it is gone. */
  terminate(): Promise<void>;
  /** Event-loop utilization since `previous`, for the pool's growth rule; a process reports it with its results. */
  eventLoopUtilization(previous?: EventLoopUtilization): EventLoopUtilization;
  onMessage(listener: (message: WorkerMessage) => void): void;
  /** The error that preceded the end (out of memory, an escaped exception), then the end itself. */
  onError(listener: (error: unknown) => void): void;
  onExit(listener: (exit: RealmExit) => void): void;
}

/** Everything needed to start a realm. */
export interface RealmOptions {
  readonly isolation: Isolation;
  /** The entry the realm's bootstrap imports (`workerEntryUrl()`). */
  readonly entryUrl: string;
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly setup: WorkerSetup;
  readonly maxOldGenerationSizeMb: number;
}

/**
 * The code an out-of-memory death carries, in both realms: a worker thread's own, which a process realm reuses
 * when its stderr shows V8's "JavaScript heap out of memory", so the pool maps both the same way.
 */
export const OUT_OF_MEMORY = 'ERR_WORKER_OUT_OF_MEMORY';
