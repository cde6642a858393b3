import type { Observation } from '../../core/observation.js';
import type { WorkerMessage, WorkerSetup } from './protocol.js';
import { Worker } from 'node:worker_threads';

/** An invocation handed to a worker and not yet answered. */
export interface InFlight {
  readonly id: number;
  readonly caseId: string;
  readonly event: unknown;
  readonly resolve: (observation: Observation) => void;
  readonly reject: (error: unknown) => void;
}

/** How a slot reports back to its pool. */
export interface SlotEvents {
  message(slot: Slot, message: WorkerMessage): void;
  exit(slot: Slot, exitCode: number): void;
}

/** One warm instance: a worker thread, its queue of in-flight invocations and what the watchdog needs. */
export interface Slot {
  readonly worker: Worker;
  /** Instance name reported in observations; a replacement worker gets a new one, like a new container. */
  readonly instance: string;
  ready: boolean;
  /** Being terminated on purpose (crash reported, watchdog, close): its exit is not a new crash. */
  retiring: boolean;
  /** Takes no new work and retires once its in-flight invocations are done (the pool shrinks back). */
  draining: boolean;
  /** The watchdog killed it: its first in-flight invocation timed out. */
  timedOut: boolean;
  /** The `error` event that preceded the exit (ERR_WORKER_OUT_OF_MEMORY, or an escaped exception). */
  error: unknown;
  /** FIFO: the worker runs them in this order, so the first one is the one running. */
  readonly inflight: InFlight[];
  /** When the worker last showed progress (sent something) or was handed work while idle. */
  lastActivity: number;
}

/** Everything needed to start a worker. */
export interface SpawnOptions {
  /** The first module the worker runs (registers the TypeScript loader). */
  readonly bootstrap: URL;
  /** The entry the bootstrap then imports (`workerEntryUrl()`). */
  readonly entryUrl: string;
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly setup: WorkerSetup;
  readonly maxOldGenerationSizeMb: number;
}

/** Starts a worker and wires its events to `events`. Its stdio is drained and discarded, never shown. */
export function spawnSlot(instance: string, options: SpawnOptions, events: SlotEvents): Slot {
  const worker = new Worker(options.bootstrap, {
    workerData: { ...options.setup, entryUrl: options.entryUrl },
    env: { ...options.env },
    execArgv: [...options.execArgv],
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb },
  });
  // Output outside an invocation (load-time logs, stray timers) is not captured by the worker: discard it so
  // it neither reaches our terminal nor piles up unread.
  worker.stdout.resume();
  worker.stderr.resume();
  const slot: Slot = { worker, instance, ready: false, retiring: false, draining: false, timedOut: false, error: undefined, inflight: [], lastActivity: 0 };
  worker.on('message', (message: WorkerMessage) => events.message(slot, message));
  worker.on('error', (error: unknown) => {
    slot.error ??= error;
  });
  worker.on('exit', (code: number) => events.exit(slot, code));
  return slot;
}

/** Terminates on purpose; idempotent. */
export function retire(slot: Slot): void {
  if (slot.retiring) return;
  slot.retiring = true;
  void slot.worker.terminate().catch(() => undefined);
}
