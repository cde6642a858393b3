import { noteStartedChild, watchStartedChildren } from '../child-reaper.js';
import type { Observation, Outcome } from '../../core/observation.js';
import type { Invocation, LocalRunnerOptions, Runner } from '../types.js';
import type { WorkerMessage } from './protocol.js';
import type { InFlight, Slot, SpawnOptions } from './slot.js';
import type { Growth } from './growth.js';
import type { Isolation, RealmExit } from './realm.js';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { availableParallelism, constants as osConstants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname } from 'node:path';
import { compiledSourceUrl } from '../../compiled-sources.mjs';
import { HarnessError } from '../../core/errors.js';
import { safeClearTimeout, safePerformanceNow, safePush, safeSetTimeout } from '../../core/safe-globals.js';
import { serializeError } from '../../core/serialize-error.js';
import { createGrowth } from './growth.js';
import { retire, spawnSlot } from './slot.js';
import { OUT_OF_MEMORY } from './realm.js';

/**
 * Isolated runner options: the local ones plus the pool size. `workers` warm instances start (default
 * `os.availableParallelism()`); the pool grows while that raises throughput, up to `instances` (default
 * {@link DEFAULT_INSTANCES}, never below `workers`).
 */
export type IsolatedRunnerOptions = LocalRunnerOptions & {
  readonly workers?: number;
  readonly instances?: number;
  /** Where each warm instance runs (realm.ts); default {@link DEFAULT_ISOLATION}. */
  readonly isolation?: Isolation;
};

/**
 * A child process per warm instance: what the handler does to its runtime stays in it, as on Lambda. See
 * `npm run bench` for what that costs against worker threads.
 */
export const DEFAULT_ISOLATION: Isolation = 'process';

/** Default cap on warm instances serving side by side. */
export const DEFAULT_INSTANCES = 16;
/**
 * A growth window (see growth.ts) lasts at least this long and until every serving instance finished this many
 * invocations on average: fewer say too little about a rate, and none (all hung) would make any rate look better.
 */
const GROWTH_WINDOW_MS = 300;
const MIN_WINDOW_COMPLETIONS = 2;

/** Invocations handed to one worker ahead of time, so it never idles waiting for the host. */
const PIPELINE_DEPTH = 2;
/** Lambda's own init limit: a handler module that takes longer to load is broken. */
const LOAD_TIMEOUT_MS = 10_000;

/**
 * The worker entry module, and the one place that decides how it is loaded: the `entry.js` beside this module
 * when it runs as JavaScript; from TypeScript source, the compiled twin of `entry.ts` (compiled-sources.mjs), or
 * `entry.ts` itself when there is none. Either way the worker first runs `bootstrap.mjs`, which registers tsx
 * only where TypeScript is to be loaded (the entry or the handler) and then imports this URL.
 */
export function workerEntryUrl(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./entry.js', import.meta.url);
  const source = new URL('./entry.ts', import.meta.url);
  return compiledSourceUrl(source) ?? source;
}

const BOOTSTRAP_URL = new URL('./bootstrap.mjs', import.meta.url);

/**
 * Node flags for workers: ours, minus debugger flags (a second inspector would fight over the port) and minus
 * tsx's own preloads, which newer Node versions would run in the worker on top of the bootstrap's registration.
 */
export function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (/^--(inspect|debug)/.test(arg)) continue;
    if (/^--(import|require|loader|experimental-loader)$/.test(arg) && isTsxSpecifier(args[i + 1] ?? '')) {
      i++;
      continue;
    }
    if (/^--(import|require|loader|experimental-loader)=/.test(arg) && isTsxSpecifier(arg.slice(arg.indexOf('=') + 1))) continue;
    out.push(arg);
  }
  return out;
}

function isTsxSpecifier(specifier: string): boolean {
  return /(^|[\\/])tsx([\\/]|$)/.test(specifier);
}

/**
 * The isolated runner, the CLI's default: a pool of `worker_threads`, each loading the handler once and staying
 * warm like a Lambda container. It survives what the in-process runner cannot: a synchronous infinite loop (a
 * host watchdog terminates a worker silent for `timeoutMs` + grace → `timeout`), `process.exit` (→ `crashed`,
 * reason `exit`), heap exhaustion (→ `out-of-memory`), uncaught exceptions and unhandled rejections.
 * - `process.exit`, uncaught exceptions and unhandled rejections end only the module instance: the worker
 *   builds a fresh one (~10 ms) and serves on under a new name, `worker-N.G` (a new warm container, so the
 *   state-leak oracle keeps one history per instance). After 64 module instances the worker retires.
 * - A worker that dies (terminated for a hang, out of memory, retired) is replaced at once by a warm standby
 *   worker that was loaded ahead of time; a new standby then loads in the background.
 * - The pool starts with `workers` serving workers and grows while that raises throughput, up to `instances`
 *   (see growth.ts); `parallelism` follows it.
 * Each worker gets the Lambda environment only (plus PATH), a heap limit from `memoryLimitMb`, and its stdio is
 * never shown. Up to two invocations are queued per worker.
 */
export function createIsolatedRunner(options: IsolatedRunnerOptions): Runner {
  /** Ends what the handler started, once this runner closes (see child-reaper.ts). */
  let releaseChildren: (() => Promise<void>) | undefined;
  const workerCount = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  const instanceCap = Math.max(workerCount, Math.floor(options.instances ?? DEFAULT_INSTANCES));
  const cores = availableParallelism();
  const graceMs = Math.max(250, options.timeoutMs / 2);
  const spawnOptions: SpawnOptions = {
    isolation: options.isolation ?? DEFAULT_ISOLATION,
    bootstrap: BOOTSTRAP_URL,
    entryUrl: workerEntryUrl().href,
    execArgv: workerExecArgv(),
    env: { ...(process.env['PATH'] === undefined ? {} : { PATH: process.env['PATH'] }), ...options.env },
    setup: {
      file: options.file,
      exportName: options.exportName,
      timeoutMs: options.timeoutMs,
      functionName: options.functionName,
      memoryLimitMb: options.memoryLimitMb,
      allowExec: options.allowExec,
      extraWritableRoots: options.extraWritableRoots,
      taskRoot: options.env['LAMBDA_TASK_ROOT'] ?? dirname(options.file),
    },
    // Below ~64 MB the worker cannot even load tsx; Lambda itself starts at 128 MB.
    maxOldGenerationSizeMb: Math.max(64, options.memoryLimitMb),
  };

  const slots: Slot[] = []; // serving instances, loading or ready
  let standby: Slot | undefined; // loaded, serves nothing until it replaces a worker that died
  const waiting: InFlight[] = [];
  const loading = new Map<Slot, { resolve: () => void; reject: (error: HarnessError) => void }>();
  const stray: Outcome[] = []; // crashes of idle workers, charged to the next invocations
  const growth: Growth = createGrowth(instanceCap);
  let target = workerCount; // serving instances wanted; only grows, so `parallelism` never shrinks under the campaign
  let nextId = 0;
  let nextInstance = 0;
  let started: Promise<void> | undefined;
  let closed = false;
  let broken: HarnessError | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let meter: ReturnType<typeof setInterval> | undefined;
  let windowStart = 0;
  let completions = 0;
  let hostLoop: EventLoopUtilization | undefined;
  const instanceLoops = new Map<Slot, EventLoopUtilization>();

  const spawn = (role: 'serving' | 'standby'): Promise<void> => {
    const slot = spawnSlot(`worker-${nextInstance++}`, spawnOptions, { message: onMessage, exit: onExit });
    if (role === 'serving') slots.push(slot);
    else standby = slot;
    return new Promise<void>((resolve, reject) => {
      const timer = safeSetTimeout(() => {
        reject(new HarnessError('EFZ_HANDLER_LOAD_FAILED', `Loading ${options.file} did not finish within ${LOAD_TIMEOUT_MS / 1000} s (a top-level hang?).`));
        retire(slot);
      }, LOAD_TIMEOUT_MS);
      const settle = (): void => {
        safeClearTimeout(timer);
        loading.delete(slot);
      };
      loading.set(slot, {
        resolve: () => (settle(), resolve()),
        reject: (error) => (settle(), reject(error)),
      });
    });
  };

  /** All instances load the same module: if one cannot, none can. Fail what is waiting, and what comes. */
  const fail = (error: HarnessError): void => {
    if (closed) return; // close() terminated it while it loaded
    broken ??= error;
    for (const item of waiting.splice(0)) item.reject(broken);
  };

  const spawnInBackground = (role: 'serving' | 'standby'): void => {
    spawn(role).then(dispatch, fail);
  };

  /** A serving worker died: the warm standby takes over at once (a hung worker costs no load time), then is refilled. */
  const replace = (): void => {
    if (standby?.ready === true && !standby.retiring) {
      slots.push(standby);
      standby = undefined;
      dispatch();
    } else {
      spawnInBackground('serving');
    }
    refillStandby();
  };

  const refillStandby = (): void => {
    if (!closed && broken === undefined && standby === undefined) spawnInBackground('standby');
  };

  function onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'result') {
      slot.timedOut = false; // it answered after all: if the watchdog already fired, the exit times out nothing
      const item = slot.inflight.shift();
      slot.lastActivity = safePerformanceNow();
      if (slot.inflight.length === 0) slot.worker.unref();
      if (slot.draining && slot.inflight.length === 0) retire(slot);
      completions++;
      if (item !== undefined) {
        const { outcome, durationMs, logs, effects, generation } = message;
        // After a crash the worker serves on with a fresh module instance: a new warm container, a new name.
        const instance = generation === 0 ? slot.instance : `${slot.instance}.${generation}`;
        item.resolve({ caseId: item.caseId, outcome, durationMs, logs, effects, instance });
      }
      dispatch();
    } else if (message.type === 'effect') {
      const item = slot.inflight[0];
      if (item !== undefined && item.id === message.id) safePush(item.streamed, message.effect);
    } else if (message.type === 'child-started') {
      noteStartedChild({ pid: message.pid, detached: message.detached });
    } else if (message.type === 'retiring') {
      retire(slot); // it built all the module instances it may; what it did not run is re-queued on exit
    } else if (message.type === 'ready') {
      slot.ready = true;
      slot.worker.unref();
      loading.get(slot)?.resolve();
    } else {
      const error = new HarnessError(message.code as HarnessError['code'], message.message);
      const pending = loading.get(slot);
      // After a crash a serving worker rebuilds its module instance: if that no longer loads, the target broke.
      if (pending === undefined) fail(error);
      else pending.reject(error);
      retire(slot);
    }
  }

  function onExit(slot: Slot, exit: RealmExit): void {
    const exitCode = exit.code ?? signalExitCode(exit.signal);
    if (slot === standby) {
      standby = undefined;
      loading.get(slot)?.reject(loadExitError(slot, exitCode));
      if (slot.ready && !slot.retiring) refillStandby(); // a warm standby died idle (a stray timer): load another
      return;
    }
    slots.splice(slots.indexOf(slot), 1);
    loading.get(slot)?.reject(loadExitError(slot, exitCode));
    const [first, ...rest] = slot.inflight.splice(0);
    if (closed) {
      for (const item of [first, ...rest]) if (item !== undefined) item.resolve(closedObservation(item, slot.instance));
      return;
    }
    const outcome = exitOutcome(slot, exitCode, exit.signal);
    if (first !== undefined && outcome !== undefined) {
      const durationMs = safePerformanceNow() - slot.lastActivity;
      completions++;
      // What the invocation did before the end is evidence: a blocked injection right before the runtime died.
      first.resolve({ caseId: first.caseId, outcome, durationMs, logs: [], effects: first.streamed, instance: slot.instance });
    } else if (first !== undefined) {
      rest.unshift(first); // retired without an outcome (it asked to, or its module broke): nothing here ran yet
    } else if (outcome !== undefined && slot.ready) {
      stray.push(outcome);
    }
    waiting.unshift(...rest); // not started: run them elsewhere, in order
    if (broken !== undefined) fail(broken);
    else if (slot.ready && !slot.draining) replace();
    dispatch();
  }

  /** What the death of a worker means for the invocation it was running; undefined when we retired it. */
  function exitOutcome(slot: Slot, exitCode: number, signal: NodeJS.Signals | null): Outcome | undefined {
    const error = slot.error;
    // Before the watchdog's verdict: a runtime thrashing at its heap limit is silent too, and if V8 said it ran
    // out of memory, that is what happened, whoever ended the process.
    if ((error as { code?: unknown } | undefined)?.code === OUT_OF_MEMORY && !(slot.retiring && !slot.timedOut)) {
      return { kind: 'crashed', reason: 'out-of-memory', exitCode, error: serializeError(error) };
    }
    if (slot.timedOut) return { kind: 'timeout', limitMs: options.timeoutMs };
    if (slot.retiring) return undefined;
    // Only a process realm dies of a signal: a native crash (SIGSEGV), an abort, a kill the guards did not see.
    if (signal !== null) {
      const death = new Error(`the runtime process died of ${signal}`);
      return { kind: 'crashed', reason: 'signal', exitCode: null, error: serializeError(death) };
    }
    if (error !== undefined) return { kind: 'crashed', reason: 'worker-error', exitCode, error: serializeError(error) };
    return { kind: 'crashed', reason: 'exit', exitCode, error: undefined };
  }

  function loadExitError(slot: Slot, exitCode: number): HarnessError {
    const cause = slot.error === undefined ? `exited with code ${exitCode}` : serializeError(slot.error).message;
    return new HarnessError('EFZ_HANDLER_LOAD_FAILED', `Loading ${options.file} in a worker failed: ${cause}.`);
  }

  function dispatch(): void {
    while (waiting.length > 0) {
      let target: Slot | undefined;
      for (const slot of slots) {
        if (!slot.ready || slot.retiring || slot.draining || slot.inflight.length >= PIPELINE_DEPTH) continue;
        if (target === undefined || slot.inflight.length < target.inflight.length) target = slot;
      }
      if (target === undefined) return;
      const item = waiting.shift()!;
      const crash = stray.shift();
      if (crash !== undefined) {
        item.resolve({ caseId: item.caseId, outcome: crash, durationMs: 0, logs: [], effects: [], instance: target.instance });
        continue;
      }
      if (target.inflight.length === 0) {
        target.lastActivity = safePerformanceNow();
        target.worker.ref();
      }
      target.inflight.push(item);
      try {
        target.worker.postMessage({ type: 'invoke', id: item.id, event: item.event });
      } catch (error) {
        target.inflight.pop();
        const outcome: Outcome = { kind: 'transport-error', error: serializeError(error) };
        item.resolve({ caseId: item.caseId, outcome, durationMs: 0, logs: [], effects: [], instance: target.instance });
      }
    }
  }

  function checkWatchdog(): void {
    const now = safePerformanceNow();
    // More invocations running than cores (a grown pool) stretch each one's wall time; so is the time a worker
    // may stay silent, or a heap exhaustion in progress would be cut short as a hang. Lambda gives each
    // instance its own CPU.
    const running = slots.reduce((count, slot) => count + (slot.inflight.length > 0 ? 1 : 0), 0);
    const silentMs = (options.timeoutMs + graceMs) * Math.max(1, running / cores);
    for (const slot of slots) {
      if (slot.ready && !slot.retiring && slot.worker.alive && slot.inflight.length > 0 && now - slot.lastActivity > silentMs) {
        slot.timedOut = true; // a synchronous loop: the worker's own deadline timer can never fire
        retire(slot);
      }
    }
  }

  /** Ends a growth window (see growth.ts for the rule): windows in which an instance was loading do not count. */
  function measure(): void {
    const now = safePerformanceNow();
    const serving = slots.filter((slot) => slot.ready && !slot.retiring && !slot.draining);
    const loadingServing = slots.length - serving.length;
    const restart = (): void => {
      windowStart = now;
      completions = 0;
      hostLoop = performance.eventLoopUtilization();
      instanceLoops.clear();
      for (const slot of serving) instanceLoops.set(slot, slot.worker.eventLoopUtilization());
    };
    if (loadingServing > 0 || serving.length < target || growth.settled || serving.some((slot) => !instanceLoops.has(slot))) {
      restart();
      return;
    }
    // Saturated: the caller keeps every instance's pipeline full, so work queues for the instances we have.
    const busy = waiting.length + serving.reduce((sum, slot) => sum + slot.inflight.length, 0);
    const saturated = busy >= serving.length * PIPELINE_DEPTH;
    // Too few completions to tell a rate (a slow or hung handler): the window goes on until there are.
    if (saturated && completions < MIN_WINDOW_COMPLETIONS * serving.length) return;
    const instanceUtilization =
      serving.reduce((sum, slot) => sum + slot.worker.eventLoopUtilization(instanceLoops.get(slot)).utilization, 0) / serving.length;
    const hostUtilization = performance.eventLoopUtilization(hostLoop).utilization;
    const add = growth.decide({ completions, ms: now - windowStart, instances: serving.length, saturated, instanceUtilization, hostUtilization });
    restart();
    for (let i = 0; i < add && !closed && broken === undefined; i++) {
      target++;
      spawnInBackground('serving');
    }
    // Shrinking back: the newest instances finish what they hold, then retire; none replaces them.
    for (const slot of serving.slice(serving.length + Math.min(0, add))) {
      target--;
      slot.draining = true;
      if (slot.inflight.length === 0) retire(slot);
    }
  }

  return {
    kind: 'isolated',
    get parallelism() {
      return target * PIPELINE_DEPTH;
    },

    start() {
      started ??= (async () => {
        releaseChildren = watchStartedChildren();
        watchdog = setInterval(checkWatchdog, Math.min(100, graceMs / 2));
        watchdog.unref();
        try {
          await Promise.all(Array.from({ length: workerCount }, () => spawn('serving')));
        } catch (error) {
          await close();
          throw error;
        }
        refillStandby();
        windowStart = safePerformanceNow();
        meter = setInterval(measure, GROWTH_WINDOW_MS);
        meter.unref();
      })();
      return started;
    },

    invoke(invocation: Invocation): Promise<Observation> {
      if (started === undefined || closed) {
        return Promise.reject(new HarnessError('EFZ_RUNNER_UNAVAILABLE', 'The isolated runner is not started (call start() first) or already closed.'));
      }
      if (broken !== undefined) return Promise.reject(broken);
      return new Promise<Observation>((resolve, reject) => {
        waiting.push({ id: nextId++, caseId: invocation.caseId, event: invocation.event, resolve, reject, streamed: [] });
        dispatch();
      });
    },

    close,
  };

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    if (watchdog !== undefined) clearInterval(watchdog);
    if (meter !== undefined) clearInterval(meter);
    for (const item of waiting.splice(0)) item.resolve(closedObservation(item, 'none'));
    const all = standby === undefined ? [...slots] : [...slots, standby];
    await Promise.all(all.map((slot) => ((slot.retiring = true), slot.worker.terminate().catch(() => undefined))));
    await releaseChildren?.();
  }
}

/** A shell's convention for a death by signal (128 + its number), where a number is needed. */
function signalExitCode(signal: NodeJS.Signals | null): number {
  const number = signal === null ? undefined : osConstants.signals[signal];
  return number === undefined ? 1 : 128 + number;
}

function closedObservation(item: InFlight, instance: string): Observation {
  const error = serializeError(new Error('the runner was closed before this invocation finished'));
  return { caseId: item.caseId, outcome: { kind: 'transport-error', error }, durationMs: 0, logs: [], effects: [], instance };
}
