import type { Effect } from '../core/observation.js';
import type { StartedChild } from '../core/children.js';
import type { CrashGuard } from './crash-guard.js';
import type { InvocationRecord } from './invoke.js';
import type { ModuleImporter } from './load-handler.js';
import type { LogCapture } from './log-capture.js';
import type { ProbeHooks } from './probe-hooks.js';
import { tmpdir } from 'node:os';
import { installCrashGuard } from './crash-guard.js';
import { createInvoker } from './invoke.js';
import { loadHandler } from './load-handler.js';
import { installLogCapture } from './log-capture.js';

/** What turns the current realm into a warm Lambda instance. */
export interface InstanceOptions {
  readonly file: string;
  readonly exportName: string;
  readonly timeoutMs: number;
  readonly functionName: string;
  readonly memoryLimitMb: number;
  readonly allowExec: boolean;
  readonly taskRoot: string;
  /** See `LocalRunnerOptions.extraWritableRoots`. */
  readonly extraWritableRoots?: readonly string[] | undefined;
  readonly probes: ProbeHooks;
  /** Hands each recorded effect over the moment it is recorded (a process realm streams them to the pool). */
  readonly streamEffects?: ((effect: Effect) => void) | undefined;
  /** Hands each process the handler starts over at once (a process realm tells the pool's reaper). */
  readonly announceChild?: ((child: StartedChild) => void) | undefined;
  /** How the handler module is imported (tsx in the main realm, a plain import in a worker started with tsx). */
  readonly importer?: ModuleImporter | undefined;
  /**
   * Turn `process.exit` into a crash outcome. Both runners do: in-process it would end our process, in a worker
   * the thread, where a fresh module instance replaces a crashed one far faster than a new worker.
   */
  readonly interceptExit: boolean;
  /** Reduce results to plain data here (in-process); a worker's postMessage clones anyway. */
  readonly cloneResult: boolean;
}

/** A warm instance: its invoke function, and what must be restored when it is torn down. */
export interface Instance {
  readonly invoke: (event: unknown) => Promise<InvocationRecord>;
  readonly logs: LogCapture;
  readonly crashes: CrashGuard;
}

/**
 * Probes first (so the handler's module sees the hooked built-ins), then the handler, then log capture and
 * crash attribution around every invocation. The in-process runner and the worker entry both start this way,
 * so they observe a handler identically. The Lambda environment must already be in `process.env`.
 */
export async function startInstance(options: InstanceOptions): Promise<Instance> {
  const extra = options.extraWritableRoots ?? [];
  const probes = options.probes.installProbes({
    allowExec: options.allowExec,
    taskRoot: options.taskRoot,
    writableRoots: extra.length === 0 ? undefined : [options.taskRoot, tmpdir(), '/tmp', ...extra],
    streamEffects: options.streamEffects,
    announceChild: options.announceChild,
  });
  const handler = await loadHandler(options.file, options.exportName, options.importer);
  const logs = installLogCapture();
  const crashes = installCrashGuard({ interceptExit: options.interceptExit });
  const invoke = createInvoker({
    handler,
    timeoutMs: options.timeoutMs,
    functionName: options.functionName,
    memoryLimitMb: options.memoryLimitMb,
    region: process.env['AWS_REGION'],
    logStreamName: process.env['AWS_LAMBDA_LOG_STREAM_NAME'],
    probes,
    logs,
    crashes,
    cloneResult: options.cloneResult,
  });
  return { invoke, logs, crashes };
}
