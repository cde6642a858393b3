import { createRequire, syncBuiltinESMExports } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { CANARY_PATTERN } from '../core/index.js';
import type { ProbeContext } from './recorder.js';

/** @internal What the worker_threads probe needs from its installer (read at each `new Worker`). */
export interface WorkerThreadsProbeOptions extends ProbeContext {
  readonly allowExec: boolean;
  readonly taskRoot: string;
  readonly writableRoots?: readonly string[] | undefined;
  /** The channel a worker's probes send their effects on, to the realm that runs the handler. */
  readonly relay: string;
  /**
   * The log where node processes started from the worker write their effects: the handler realm's own, which it
   * collects when the invocation ends. Asked at each `new Worker` (which marks that log as in use).
   */
  readonly childEffectsLog: () => string | undefined;
}

/** @internal What the bootstrap of a handler's worker is told, as the last entry of its `process.argv`. */
export interface SubWorkerConfig {
  /** The worker's code (`eval`) or the URL of its module. */
  readonly target: string;
  readonly eval: boolean;
  readonly allowExec: boolean;
  readonly taskRoot: string;
  readonly writableRoots?: readonly string[] | undefined;
  readonly relay: string;
  readonly childEffectsLog?: string | undefined;
}

/** @internal Marks the bootstrap's own argument, which it takes off `process.argv` before the worker's code runs. */
export const SUB_WORKER_ARG = '--eventfuzz-sub-worker=';

type WorkerOptions = { readonly eval?: unknown; readonly argv?: unknown } & Record<string, unknown>;
type WorkerCtor = new (filename: string | URL, options?: WorkerOptions) => unknown;

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const regExpExec = RegExp.prototype.exec;
const isArray = Array.isArray;
const stringify = JSON.stringify;
const MAX_CODE = 65_536;
/** eventfuzz's own source root (`src/`), as a URL prefix. */
const OWN_ROOT = new URL('../', import.meta.url).href;

/**
 * @internal
 * A worker thread the handler creates is a realm of its own, where none of the probes would be: a command it ran
 * really ran. `worker_threads.Worker` is replaced by a subclass that starts the worker on a bootstrap module, which
 * installs the probes there (with the options in force now) before the worker's own code or module runs; their
 * effects come back on the relay channel and count for the invocation that is running. The worker sees its own
 * `workerData`, `argv`, `env` and stdio as given. Code handed to `new Worker(code, { eval: true })` that carries a
 * payload token is also recorded as evaluated code: the handler ran payload text as JavaScript.
 */
export function installWorkerThreadsProbe(options: WorkerThreadsProbeOptions): void {
  const threads = createRequire(import.meta.url)('node:worker_threads') as Record<string, unknown>;
  const Original = threads['Worker'] as WorkerCtor | undefined;
  if (typeof Original !== 'function') return;
  const bootstrap = new URL('./sub-worker/bootstrap.mjs', import.meta.url);

  class Worker extends (Original as unknown as new (filename: string | URL, options?: WorkerOptions) => object) {
    constructor(filename: string | URL, workerOptions?: WorkerOptions) {
      const given: WorkerOptions = typeof workerOptions === 'object' && workerOptions !== null ? workerOptions : {};
      const isEval = given.eval === true;
      const target = isEval ? String(filename) : moduleUrl(filename);
      // eventfuzz's own workers (the isolated runner's, started after an in-process run left the probes in this
      // realm) are not the handler's.
      if (!isEval && target.startsWith(OWN_ROOT)) {
        super(filename, workerOptions);
        return;
      }
      if (isEval && apply(regExpExec, CANARY_PATTERN, [target]) !== null) {
        options.record({ kind: 'code-eval', api: 'worker_threads.Worker (eval)', code: target.length > MAX_CODE ? `${target.slice(0, MAX_CODE)}…` : target, callSite: options.callSite() });
      }
      const config: SubWorkerConfig = {
        target,
        eval: isEval,
        allowExec: options.allowExec,
        taskRoot: options.taskRoot,
        writableRoots: options.writableRoots,
        relay: options.relay,
        childEffectsLog: options.childEffectsLog(),
      };
      const argv = isArray(given.argv) ? [...(given.argv as unknown[])] : [];
      argv[argv.length] = `${SUB_WORKER_ARG}${stringify(config)}`;
      super(bootstrap, { ...given, eval: false, argv });
    }
  }
  Object.defineProperty(Worker, 'name', { value: 'Worker' });
  threads['Worker'] = Worker;
  syncBuiltinESMExports();
}

/** What node would load for `filename`: a path (relative ones against the cwd, as node resolves them) or a URL. */
function moduleUrl(filename: string | URL): string {
  if (filename instanceof URL) return filename.href;
  const text = String(filename);
  if (/^(file|data):/.test(text)) return text;
  const path = isAbsolute(text) ? text : resolve(text);
  return new URL(`file://${path.split('/').map(encodeURIComponent).join('/')}`).href;
}
