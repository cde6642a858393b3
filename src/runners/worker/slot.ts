import type { Effect, Observation } from '../../core/observation.js';
import type { WorkerMessage } from './protocol.js';
import type { Realm, RealmExit, RealmOptions } from './realm.js';
import { startProcessRealm } from './process-realm.js';
import { startThreadRealm } from './thread-realm.js';

/** An invocation handed to a worker and not yet answered. */
export interface InFlight {
  readonly id: number;
  readonly caseId: string;
  readonly event: unknown;
  readonly resolve: (observation: Observation) => void;
  readonly reject: (error: unknown) => void;
  /** What a process realm streamed of this invocation's effects so far (EffectMessage): kept if it dies mid-way. */
  readonly streamed: Effect[];
}

/** How a slot reports back to its pool. */
export interface SlotEvents {
  message(slot: Slot, message: WorkerMessage): void;
  exit(slot: Slot, exit: RealmExit): void;
}

/** One warm instance: its realm (a child process or a worker thread), its queue of in-flight invocations and what the watchdog needs. */
export interface Slot {
  readonly worker: Realm;
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

/** Everything needed to start a warm instance. */
export type SpawnOptions = RealmOptions & {
  /** The first module the realm runs (registers the TypeScript loader). */
  readonly bootstrap: URL;
};

/** Starts a warm instance in the realm `options.isolation` names and wires its events to `events`. */
export function spawnSlot(instance: string, options: SpawnOptions, events: SlotEvents): Slot {
  const worker = options.isolation === 'process' ? startProcessRealm(options.bootstrap, options) : startThreadRealm(options.bootstrap, options);
  const slot: Slot = { worker, instance, ready: false, retiring: false, draining: false, timedOut: false, error: undefined, inflight: [], lastActivity: 0 };
  worker.onMessage((message: WorkerMessage) => events.message(slot, message));
  worker.onError((error: unknown) => {
    slot.error ??= error;
  });
  worker.onExit((exit) => events.exit(slot, exit));
  return slot;
}

/** Terminates on purpose; idempotent. */
export function retire(slot: Slot): void {
  if (slot.retiring) return;
  slot.retiring = true;
  void slot.worker.terminate().catch(() => undefined);
}
