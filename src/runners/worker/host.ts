import type { Observation, Outcome } from '../../core/observation.js';
import type { Invocation, LocalRunnerOptions, Runner } from '../types.js';
import type { WorkerMessage } from './protocol.js';
import type { InFlight, Slot, SpawnOptions } from './slot.js';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { HarnessError } from '../../core/errors.js';
import { safeClearTimeout, safePerformanceNow, safeSetTimeout } from '../../core/safe-globals.js';
import { serializeError } from '../../core/serialize-error.js';
import { retire, spawnSlot } from './slot.js';

/** Isolated runner options: the local ones plus the pool size (default `os.availableParallelism()`). */
export type IsolatedRunnerOptions = LocalRunnerOptions & { readonly workers?: number };

/** Invocations handed to one worker ahead of time, so it never idles waiting for the host. */
const PIPELINE_DEPTH = 2;
/** Lambda's own init limit: a handler module that takes longer to load is broken. */
const LOAD_TIMEOUT_MS = 10_000;

/**
 * The worker entry module, and the one place that decides how it is loaded: `entry.ts` when this module runs
 * from TypeScript source, else the built `entry.js`. Either way the worker first runs `bootstrap.mjs`, which
 * registers tsx in the worker thread (see there why `--import tsx` is not enough on Node 20) and then imports
 * this URL.
 */
export function workerEntryUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './entry.ts' : './entry.js', import.meta.url);
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
 * reason `exit`), heap exhaustion (→ `out-of-memory`), uncaught exceptions and unhandled rejections. The worker
 * is then replaced and the pool carries on; the replacement loads the handler before it takes work.
 * Each worker gets the Lambda environment only (plus PATH), a heap limit from `memoryLimitMb`, and its stdio is
 * never shown. Up to two invocations are queued per worker.
 */
export function createIsolatedRunner(options: IsolatedRunnerOptions): Runner {
  const workerCount = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  const graceMs = Math.max(250, options.timeoutMs / 2);
  const spawnOptions: SpawnOptions = {
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
      taskRoot: options.env['LAMBDA_TASK_ROOT'] ?? dirname(options.file),
    },
    // Below ~64 MB the worker cannot even load tsx; Lambda itself starts at 128 MB.
    maxOldGenerationSizeMb: Math.max(64, options.memoryLimitMb),
  };

  const slots: Slot[] = [];
  const waiting: InFlight[] = [];
  const loading = new Map<Slot, { resolve: () => void; reject: (error: HarnessError) => void }>();
  const stray: Outcome[] = []; // crashes of idle workers, charged to the next invocations
  let nextId = 0;
  let nextInstance = 0;
  let started: Promise<void> | undefined;
  let closed = false;
  let broken: HarnessError | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;

  const spawn = (): Promise<void> => {
    const slot = spawnSlot(`worker-${nextInstance++}`, spawnOptions, { message: onMessage, exit: onExit });
    slots.push(slot);
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

  const respawn = (): void => {
    spawn().then(dispatch, (error: HarnessError) => {
      // All instances load the same module: if a replacement cannot, none can. Fail what is waiting.
      broken ??= error;
      for (const item of waiting.splice(0)) item.reject(error);
    });
  };

  function onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'result') {
      slot.timedOut = false; // it answered after all: if the watchdog already fired, the exit times out nothing
      const item = slot.inflight.shift();
      slot.lastActivity = safePerformanceNow();
      if (slot.inflight.length === 0) slot.worker.unref();
      if (item !== undefined) {
        const { outcome, durationMs, logs, effects } = message;
        item.resolve({ caseId: item.caseId, outcome, durationMs, logs, effects, instance: slot.instance });
      }
      if (message.outcome.kind === 'crashed') retire(slot); // the worker stopped taking work; replace it
      dispatch();
    } else if (message.type === 'ready') {
      slot.ready = true;
      slot.worker.unref();
      loading.get(slot)?.resolve();
    } else {
      loading.get(slot)?.reject(new HarnessError(message.code as HarnessError['code'], message.message));
      retire(slot);
    }
  }

  function onExit(slot: Slot, exitCode: number): void {
    slots.splice(slots.indexOf(slot), 1);
    loading.get(slot)?.reject(loadExitError(slot, exitCode));
    const [first, ...rest] = slot.inflight.splice(0);
    if (closed) {
      for (const item of [first, ...rest]) if (item !== undefined) item.resolve(closedObservation(item, slot.instance));
      return;
    }
    const outcome = exitOutcome(slot, exitCode);
    if (first !== undefined && outcome !== undefined) {
      const durationMs = safePerformanceNow() - slot.lastActivity;
      first.resolve({ caseId: first.caseId, outcome, durationMs, logs: [], effects: [], instance: slot.instance });
    } else if (first !== undefined) {
      rest.unshift(first); // retired after reporting its own crash: nothing here ran yet
    } else if (outcome !== undefined && slot.ready) {
      stray.push(outcome);
    }
    waiting.unshift(...rest); // not started: run them elsewhere, in order
    if (slot.ready) respawn();
    dispatch();
  }

  /** What the death of a worker means for the invocation it was running; undefined when we retired it. */
  function exitOutcome(slot: Slot, exitCode: number): Outcome | undefined {
    if (slot.timedOut) return { kind: 'timeout', limitMs: options.timeoutMs };
    if (slot.retiring) return undefined;
    const error = slot.error;
    if ((error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { kind: 'crashed', reason: 'out-of-memory', exitCode, error: serializeError(error) };
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
        if (!slot.ready || slot.retiring || slot.inflight.length >= PIPELINE_DEPTH) continue;
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
    for (const slot of slots) {
      if (slot.ready && !slot.retiring && slot.inflight.length > 0 && now - slot.lastActivity > options.timeoutMs + graceMs) {
        slot.timedOut = true; // a synchronous loop: the worker's own deadline timer can never fire
        retire(slot);
      }
    }
  }

  return {
    kind: 'isolated',
    parallelism: workerCount * PIPELINE_DEPTH,

    start() {
      started ??= (async () => {
        watchdog = setInterval(checkWatchdog, Math.min(100, graceMs / 2));
        watchdog.unref();
        try {
          await Promise.all(Array.from({ length: workerCount }, spawn));
        } catch (error) {
          await close();
          throw error;
        }
      })();
      return started;
    },

    invoke(invocation: Invocation): Promise<Observation> {
      if (broken !== undefined) return Promise.reject(broken);
      if (started === undefined || closed) {
        return Promise.reject(new HarnessError('EFZ_RUNNER_UNAVAILABLE', 'The isolated runner is not started (call start() first) or already closed.'));
      }
      return new Promise<Observation>((resolve, reject) => {
        waiting.push({ id: nextId++, caseId: invocation.caseId, event: invocation.event, resolve, reject });
        dispatch();
      });
    },

    close,
  };

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    if (watchdog !== undefined) clearInterval(watchdog);
    for (const item of waiting.splice(0)) item.resolve(closedObservation(item, 'none'));
    await Promise.all(slots.map((slot) => ((slot.retiring = true), slot.worker.terminate().catch(() => undefined))));
  }
}

function closedObservation(item: InFlight, instance: string): Observation {
  const error = serializeError(new Error('the runner was closed before this invocation finished'));
  return { caseId: item.caseId, outcome: { kind: 'transport-error', error }, durationMs: 0, logs: [], effects: [], instance };
}
