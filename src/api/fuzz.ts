import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding, Observation } from '../core/index.js';
import { HarnessError } from '../core/index.js';
import type { CorpusTarget } from '../corpus/entry.js';
import { createCorpusStore } from '../corpus/store.js';
import { runCampaign, safely } from '../engine/campaign.js';
import type { CampaignListener } from '../engine/types.js';
import { judge, selectOracles } from '../oracles/index.js';
import type { OracleContext } from '../oracles/types.js';
import { loadPayloads } from '../payloads/index.js';
import type { Payload } from '../payloads/types.js';
import { parseHandlerRef } from '../runners/index.js';
import type { RunnerKind } from '../runners/types.js';
import type { Isolation } from '../runners/index.js';
import { VERSION } from '../version.js';
import { startLocalTarget } from './local-target.js';
import { CaseSchedule, caseSpaceForSamples, caseSpaceForSource, getEventSource, payloadFreeCase, sourceIds, withOtherPayload } from '../../generators/index.js';
import type { SourceId } from '../../generators/index.js';
import { detectSource, loadSamples } from '../../generators/sample/index.js';
import { baselineSignatures, runBaseline } from './baseline.js';
import { buildReport } from './report.js';
import type { FuzzReport } from './report.js';

/** Options of a local fuzzing campaign; the CLI's `fuzz` flags map onto these one to one. */
export interface FuzzOptions {
  /** `path/to/handler.ts#export` (export defaults to `handler`), relative to `cwd`, or a file URL. */
  readonly handler: string | URL;
  /** The event source; may be left out when `samples` show it. */
  readonly source?: SourceId | undefined;
  /** Real events to inject into (objects), in addition to `sampleFiles`. */
  readonly samples?: readonly unknown[] | undefined;
  readonly sampleFiles?: readonly string[] | undefined;
  /** Generated cases to try (default 1000). */
  readonly runs?: number | undefined;
  /** Wall-clock budget in ms; whichever of `runs` and `durationMs` ends first stops the run. */
  readonly durationMs?: number | undefined;
  /** Same seed, target and options: same events, canaries and findings. Random when omitted. */
  readonly seed?: number | undefined;
  /** Per-invocation deadline (default 3000 ms, like Lambda's default). */
  readonly timeoutMs?: number | undefined;
  /** `in-process` (default for the library: fastest) or `isolated` (worker pool; the CLI default). */
  readonly runner?: RunnerKind | undefined;
  /** Isolated runner: worker threads to start with (one warm instance each). */
  readonly workers?: number | undefined;
  /**
   * Isolated runner: how many warm instances the pool may grow to while that raises throughput (default 16,
   * never below `workers`), as Lambda runs many side by side. Findings for a seed do not depend on it, except
   * state leaks, which depend on which instance served which case.
   */
  readonly instances?: number | undefined;
  /**
   * Isolated runner: `process` (default) runs each warm instance in a child process of its own, so nothing the
   * handler does to its runtime (a native crash, a signal) can end the run; `thread` uses worker threads, which
   * start faster but share eventfuzz's process.
   */
  readonly isolation?: Isolation | undefined;
  readonly memoryLimitMb?: number | undefined;
  readonly functionName?: string | undefined;
  /** Extra environment variables for the handler. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Names of environment variables whose values must never leak. */
  readonly secrets?: readonly string[] | undefined;
  /** Let commands and file writes that carry a payload run (off: they are recorded and blocked). */
  readonly allowExec?: boolean | undefined;
  /**
   * More directories (relative to `cwd`) where writes at payload-named paths are the function's to make, besides
   * the task root and /tmp: what it may write to on Lambda, e.g. an EFS mount (`/mnt/data`).
   */
  readonly writableRoots?: readonly string[] | undefined;
  /** Payload categories to use (default: all). */
  readonly categories?: readonly string[] | undefined;
  /** Oracle ids to run (default: all). */
  readonly oracles?: readonly string[] | undefined;
  /** Where findings are written the moment they are found (default: not written). */
  readonly corpusDir?: string | undefined;
  readonly listener?: CampaignListener | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly cwd?: string | undefined;
  /** The handler's working directory and `LAMBDA_TASK_ROOT`, relative to `cwd` (default: the handler's package root). */
  readonly taskRoot?: string | undefined;
}

const DEFAULTS = { runs: 1000, timeoutMs: 3000, memoryLimitMb: 512 } as const;

/** The isolated pool's default cap on warm instances (for the CLI's help). */
export { DEFAULT_INSTANCES, DEFAULT_ISOLATION, isolations } from '../runners/index.js';
export type { Isolation } from '../runners/index.js';

/**
 * Fuzzes a local handler and resolves to the report (the same object `--report out.json` writes). Findings do
 * not reject the promise; a handler that cannot be loaded or bad options reject with a HarnessError.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  checkOptions(options);
  const cwd = options.cwd ?? process.cwd();
  const ref = options.handler instanceof URL ? handlerRefFromUrl(options.handler) : options.handler;
  const { file, exportName } = parseHandlerRef(ref, cwd);
  const samples = [...(options.samples ?? []), ...(options.sampleFiles ?? []).flatMap((path) => loadSamples(path))];
  const sourceId = options.source ?? (samples.length > 0 ? detectSource(samples[0]) : undefined);
  if (sourceId === undefined && samples.length === 0) throw new HarnessError('EFZ_USAGE', `No event source given. Choose one of: ${sourceIds.join(', ')}.`);
  const source = sourceId === undefined ? undefined : getEventSource(sourceId);
  const seed = options.seed ?? (Math.random() * 0x7fffffff) | 0;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const oracles = selectOracles(options.oracles);
  const payloads = pickPayloads(options.categories);
  const space = samples.length > 0 ? caseSpaceForSamples(samples, source) : caseSpaceForSource(source!);
  const functionName = options.functionName ?? 'eventfuzz-target';
  const memoryLimitMb = options.memoryLimitMb ?? DEFAULTS.memoryLimitMb;
  const target: CorpusTarget = { kind: 'local', ref: `${relativeRef(file, cwd)}#${exportName}` };
  const { runner, secrets } = await startLocalTarget({
    file,
    exportName,
    seed,
    timeoutMs,
    memoryLimitMb,
    functionName,
    env: options.env,
    secrets: options.secrets,
    allowExec: options.allowExec ?? false,
    writableRoots: options.writableRoots?.map((dir) => resolve(cwd, dir)),
    runner: options.runner ?? 'in-process',
    workers: options.workers,
    instances: options.instances,
    isolation: options.isolation,
    taskRoot: options.taskRoot === undefined ? undefined : resolve(cwd, options.taskRoot),
  });
  try {
    const judgeAll = (observation: Observation, context: OracleContext): readonly Finding[] => judge(observation, oracles, context);
    const sink = options.corpusDir === undefined ? undefined : createCorpusStore(resolve(cwd, options.corpusDir), { target, seed, toolVersion: VERSION, shownFrom: cwd });
    const baseline = await runBaseline({ runner, sourceId: space.sourceId, samples, plain: source?.plain, seed, judge: judgeAll, secrets, timeoutMs, sink });
    safely(() => options.listener?.onBaseline?.(baseline));
    const schedule = new CaseSchedule({ space, payloads });
    const result = await runCampaign({
      cases: schedule.arbitrary,
      feedback: schedule,
      runner,
      judge: judgeAll,
      ignore: baselineSignatures(baseline),
      withoutPayload: payloadFreeCase,
      withPayload: withOtherPayload,
      secrets,
      timeoutMs,
      seed,
      runs: options.runs ?? (options.durationMs === undefined ? DEFAULTS.runs : Number.POSITIVE_INFINITY),
      durationMs: options.durationMs,
      sink,
      listener: options.listener,
      signal: options.signal,
    });
    return buildReport(result, target, space.sourceId, baseline);
  } finally {
    await runner.close();
  }
}

/** Library callers get the CLI's checks: a NaN budget must not mean "run forever". */
function checkOptions(options: FuzzOptions): void {
  const handler: unknown = options.handler;
  if (!(handler instanceof URL) && (typeof handler !== 'string' || handler.trim() === '')) {
    throw new HarnessError('EFZ_USAGE', 'fuzz() needs `handler`: a module path with an optional #export, or a file URL.');
  }
  const positiveInteger = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) throw new HarnessError('EFZ_USAGE', `\`${name}\` must be a whole number ≥ 1, got ${String(value)}.`);
  };
  positiveInteger('runs', options.runs);
  positiveInteger('timeoutMs', options.timeoutMs);
  positiveInteger('workers', options.workers);
  positiveInteger('instances', options.instances);
  positiveInteger('memoryLimitMb', options.memoryLimitMb);
  if (options.durationMs !== undefined && !(Number.isFinite(options.durationMs) && options.durationMs > 0)) {
    throw new HarnessError('EFZ_USAGE', `\`durationMs\` must be a number of milliseconds > 0, got ${String(options.durationMs)}.`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new HarnessError('EFZ_USAGE', `\`seed\` must be an integer, got ${String(options.seed)}.`);
}

function pickPayloads(categories: readonly string[] | undefined): readonly Payload[] {
  const all = loadPayloads();
  if (categories === undefined || categories.length === 0) return all;
  const known = new Set(all.map((p) => p.family));
  const unknown = categories.filter((c) => !known.has(c));
  if (unknown.length > 0) throw new HarnessError('EFZ_UNKNOWN_CATEGORY', `Unknown payload category "${unknown.join('", "')}". Known categories: ${[...known].join(', ')}.`);
  return all.filter((p) => categories.includes(p.family));
}

/** `file:///dir%20x/h.ts#main` → `/dir x/h.ts#main` (decoded: checkouts have spaces in their paths). */
function handlerRefFromUrl(url: URL): string {
  if (url.protocol !== 'file:') throw new HarnessError('EFZ_USAGE', `The handler URL must be a file: URL, got "${url.href}".`);
  const exportName = decodeURIComponent(url.hash.slice(1));
  const file = fileURLToPath(new URL(url.href.slice(0, url.href.length - url.hash.length)));
  return exportName === '' ? file : `${file}#${exportName}`;
}

/** The handler as the user would type it from `cwd`: relative inside it, absolute outside. */
function relativeRef(file: string, cwd: string): string {
  const path = relative(cwd, file);
  return path.startsWith('..') || isAbsolute(path) ? file : path;
}
