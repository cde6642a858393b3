import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding, Observation, WatchedSecret } from '../core/index.js';
import { HarnessError } from '../core/index.js';
import type { CorpusTarget } from '../corpus/entry.js';
import { createCorpusStore } from '../corpus/store.js';
import { runCampaign, safely } from '../engine/campaign.js';
import { checkShard } from '../engine/shard.js';
import type { Shard } from '../engine/shard.js';

// The CLI reads `--shard i/N` with the engine's parser (it may not import the engine itself).
export { parseShard } from '../engine/shard.js';
export type { Shard } from '../engine/shard.js';
import type { CampaignListener } from '../engine/types.js';
import { judge, selectOracles } from '../oracles/index.js';
import type { OracleContext } from '../oracles/types.js';
import { loadPayloads } from '../payloads/index.js';
import type { Payload } from '../payloads/types.js';
import { parseHandlerRef } from '../runners/index.js';
import type { Runner, RunnerKind } from '../runners/types.js';
import { isRemoteRunner } from '../runners/types.js';
import { remoteCaps, startRemoteTarget } from './remote-target.js';
import { startRemoteTiming } from './remote-timing.js';
import type { TimingOptions } from './remote-timing.js';
import type { GuardedRunner } from '../runners/remote-guard.js';
import type { Isolation } from '../runners/index.js';
import { VERSION } from '../version.js';
import { startLocalTarget } from './local-target.js';
import { CaseSchedule, caseSpaceForSamples, caseSpaceForSource, getEventSource, payloadFreeCase, sourceIds, withOtherPayload } from '../../generators/index.js';
import type { SourceId } from '../../generators/index.js';
import { detectSource, loadSamples } from '../../generators/sample/index.js';
import { baselineSignatures, runBaseline } from './baseline.js';
import { buildReport } from './report.js';
import type { FuzzReport } from './report.js';

/** Options of a fuzzing campaign; the CLI's `fuzz` flags map onto these one to one. */
export interface FuzzOptions {
  /**
   * `path/to/handler.ts#export` (export defaults to `handler`), relative to `cwd`, or a file URL. Exactly one of
   * `handler` and `function` is given.
   */
  readonly handler?: string | URL | undefined;
  /** A deployed Lambda function (name or ARN) to fuzz through the Invoke API, instead of a local `handler`. */
  readonly function?: string | undefined;
  /**
   * An HTTP endpoint (API Gateway stage, Function URL, ALB) to send the API Gateway events to as real requests,
   * instead of a local `handler`; `source` is `apigw-rest` or `apigw-http` (the default).
   */
  readonly url?: string | undefined;
  /** Remote (`url`): headers sent with every request, e.g. an API key; never reported. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Remote: the function's version or alias. */
  readonly qualifier?: string | undefined;
  /** Remote: the AWS region (default: the SDK's chain, or the region in an ARN). */
  readonly region?: string | undefined;
  /** Remote: a profile of the shared AWS config files (resolved by the SDK). */
  readonly profile?: string | undefined;
  /** Remote: another Invoke API endpoint, e.g. a local emulator. */
  readonly endpoint?: string | undefined;
  /**
   * Remote (`function`): where the function's logs come from. `tail` (default): the last 4 KB of each
   * invocation's log, in the Invoke answer. `cloudwatch`: each invocation's full log from CloudWatch Logs, by
   * request id (needs logs:FilterLogEvents; each case waits until its log arrives, usually seconds).
   */
  readonly logs?: 'tail' | 'cloudwatch' | undefined;
  /** Remote, `logs: 'cloudwatch'`: how long to wait for an invocation's log before judging it on the tail (default 10000 ms). */
  readonly logsWaitMs?: number | undefined;
  /** Remote: deliveries in all, retries included (default 500). */
  readonly maxInvocations?: number | undefined;
  /** Remote: deliveries per second at most (default 10). */
  readonly rate?: number | undefined;
  /** Remote: deliveries in flight at most (default 4). */
  readonly concurrency?: number | undefined;
  /** Remote: refuse to start when the worst-case cost (US dollars) is above this. */
  readonly maxCost?: number | undefined;
  /** Remote: fuzz a target whose name looks like production (refused otherwise). */
  readonly allowProduction?: boolean | undefined;
  /** Remote: names of variables of *your* environment whose values the target must never reveal. */
  readonly secretEnv?: readonly string[] | undefined;
  /** Remote: also watch the secret-looking values of the function's configured environment. */
  readonly learnSecrets?: boolean | undefined;
  /**
   * Remote: sleep-based timing checks at fields where command or code injection showed nothing (on by default,
   * `false` turns them off; an object tunes doses, repeats and budget). Their invocations are kept back from
   * `maxInvocations`; they give `tainted` findings only. Never run for a local handler, which has probes.
   */
  readonly timing?: boolean | TimingOptions | undefined;
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
  /**
   * Run shard `index` of `count` (1-based, `--shard 2/4`): every shard draws the seed's cases and runs the ones at
   * generation index ≡ index - 1 (mod count), so N shards of a seed run together exactly what `{ index: 1,
   * count: 1 }` runs alone; `runs` is the total over the shards. Needs `seed`. A sharded run's cases depend on
   * the seed alone: no steering by what earlier cases showed (a shard cannot see the others' results). The
   * baseline runs on every shard; shrinking stays on the shard that found the bug.
   */
  readonly shard?: Shard | undefined;
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
export { DEFAULT_REMOTE_CAPS } from '../runners/remote-guard.js';
export type { Isolation } from '../runners/index.js';

/**
 * Fuzzes a local handler and resolves to the report (the same object `--report out.json` writes). Findings do
 * not reject the promise; a handler that cannot be loaded or bad options reject with a HarnessError.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  checkOptions(options);
  const cwd = options.cwd ?? process.cwd();
  const samples = [...(options.samples ?? []), ...(options.sampleFiles ?? []).flatMap((path) => loadSamples(path))];
  // An HTTP endpoint with no source named gets HTTP API (payload 2.0) events, what Function URLs send too.
  const sourceId = options.source ?? (samples.length > 0 ? detectSource(samples[0]) : options.url !== undefined ? 'apigw-http' : undefined);
  if (sourceId === undefined && samples.length === 0) throw new HarnessError('EFZ_USAGE', `No event source given. Choose one of: ${sourceIds.join(', ')}.`);
  const source = sourceId === undefined ? undefined : getEventSource(sourceId);
  const seed = options.seed ?? (Math.random() * 0x7fffffff) | 0;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const oracles = selectOracles(options.oracles);
  const payloads = pickPayloads(options.categories);
  const space = samples.length > 0 ? caseSpaceForSamples(samples, source) : caseSpaceForSource(source!);
  const { runner, secrets, target, stop, guarded, taskRoot } = await startTarget(options, cwd, seed, timeoutMs, space.sourceId);
  try {
    const notice = (line: string): void => safely(() => options.listener?.onNotice?.(line));
    const timing = guarded === undefined ? undefined : startRemoteTiming(options.timing, guarded, remoteCaps(options).maxInvocations, withOtherPayload, notice);
    const remote = isRemoteRunner(runner);
    const judgeAll = (observation: Observation, context: OracleContext): readonly Finding[] => judge(observation, oracles, remote ? { ...context, remote } : context);
    const sink = options.corpusDir === undefined ? undefined : createCorpusStore(resolve(cwd, options.corpusDir), { target, seed, toolVersion: VERSION, shownFrom: cwd });
    const baseline = await runBaseline({ runner, sourceId: space.sourceId, samples, plain: source?.plain, seed, judge: judgeAll, secrets, timeoutMs, sink });
    safely(() => options.listener?.onBaseline?.(baseline));
    const schedule = new CaseSchedule({ space, payloads }, { adaptive: options.shard === undefined });
    const explored = await runCampaign({
      cases: schedule.arbitrary,
      feedback: schedule,
      runner: timing?.campaignRunner ?? runner,
      judge: timing?.judge(judgeAll) ?? judgeAll,
      ignore: baselineSignatures(baseline),
      withoutPayload: payloadFreeCase,
      withPayload: withOtherPayload,
      secrets,
      timeoutMs,
      seed,
      shard: options.shard,
      runs: options.runs ?? (options.durationMs === undefined ? DEFAULTS.runs : Number.POSITIVE_INFINITY),
      durationMs: options.durationMs,
      sink,
      listener: options.listener,
      signal: timing === undefined ? stop : AbortSignal.any([...(stop === undefined ? [] : [stop]), timing.campaignExhausted]),
    });
    const result = timing === undefined ? explored : await timing.finish(explored, { sink, listener: options.listener, signal: options.signal });
    return buildReport(result, target, space.sourceId, baseline, taskRoot === undefined ? undefined : { cwd, taskRoot }, options.shard);
  } finally {
    await runner.close();
  }
}

/** The target a run fuzzes, started: its runner, the secrets to watch, its corpus name, and when to stop. */
interface StartedTarget {
  readonly runner: Runner;
  readonly secrets: readonly WatchedSecret[];
  readonly target: CorpusTarget;
  /** A local handler's task root, where the probes' call sites are relative to. */
  readonly taskRoot?: string;
  /** The caller's signal, and for a remote target its invocation cap. */
  readonly stop: AbortSignal | undefined;
  /** A remote target's runner behind its caps (absent for a local handler). */
  readonly guarded?: GuardedRunner | undefined;
}

async function startTarget(options: FuzzOptions, cwd: string, seed: number, timeoutMs: number, sourceId: string): Promise<StartedTarget> {
  if (options.function !== undefined || options.url !== undefined) {
    const remote = await startRemoteTarget({
      lambda:
        options.function === undefined
          ? undefined
          : { functionName: options.function, qualifier: options.qualifier, region: options.region, profile: options.profile, endpoint: options.endpoint, logs: options.logs, logsWaitMs: options.logsWaitMs },
      http: options.url === undefined ? undefined : { url: options.url, source: httpSource(sourceId), headers: options.headers },
      caps: remoteCaps(options),
      timeoutMs,
      maxCostUsd: options.maxCost,
      allowProduction: options.allowProduction ?? false,
      secretEnv: options.secretEnv ?? [],
      learnSecrets: options.learnSecrets ?? false,
      allowExec: options.allowExec ?? false,
      notice: (line) => safely(() => options.listener?.onNotice?.(line)),
      signal: options.signal,
      durationMs: options.durationMs,
    });
    const stop = options.signal === undefined ? remote.exhausted : AbortSignal.any([options.signal, remote.exhausted]);
    return { runner: remote.runner, secrets: remote.secrets, target: remote.target, stop, guarded: remote.runner };
  }
  const ref = options.handler instanceof URL ? handlerRefFromUrl(options.handler) : options.handler!;
  const { file, exportName } = parseHandlerRef(ref, cwd);
  const { runner, secrets, taskRoot } = await startLocalTarget({
    file,
    exportName,
    seed,
    timeoutMs,
    memoryLimitMb: options.memoryLimitMb ?? DEFAULTS.memoryLimitMb,
    functionName: options.functionName ?? 'eventfuzz-target',
    env: options.env,
    secrets: options.secrets,
    allowExec: options.allowExec ?? false,
    runner: options.runner ?? 'in-process',
    workers: options.workers,
    instances: options.instances,
    isolation: options.isolation,
    writableRoots: options.writableRoots?.map((dir) => resolve(cwd, dir)),
    taskRoot: options.taskRoot === undefined ? undefined : resolve(cwd, options.taskRoot),
  });
  return { runner, secrets, taskRoot, target: { kind: 'local', ref: `${relativeRef(file, cwd)}#${exportName}` }, stop: options.signal };
}

/** The event shape an HTTP endpoint gets: the source's, checked to be API Gateway's by checkOptions. */
function httpSource(sourceId: string): 'apigw-rest' | 'apigw-http' {
  if (sourceId === 'apigw-rest' || sourceId === 'apigw-http') return sourceId;
  throw new HarnessError('EFZ_USAGE', `An HTTP endpoint takes API Gateway events (apigw-rest or apigw-http); the samples are ${sourceId} events.`);
}

/** `logs` and `logsWaitMs` mean something for a deployed function only, and the wait only with CloudWatch. */
export function checkLogsOptions(options: Pick<FuzzOptions, 'logs' | 'logsWaitMs' | 'function' | 'url'>): void {
  const logs: unknown = options.logs;
  if (logs !== undefined && logs !== 'tail' && logs !== 'cloudwatch') throw new HarnessError('EFZ_USAGE', `\`logs\` must be "tail" or "cloudwatch", got ${JSON.stringify(logs)}.`);
  if ((logs !== undefined || options.logsWaitMs !== undefined) && options.function === undefined) {
    throw new HarnessError('EFZ_USAGE', `--logs and --logs-wait apply to a deployed Lambda function (--function) only, not to ${options.url === undefined ? 'a local handler' : '--url'}.`);
  }
  if (options.logsWaitMs !== undefined) {
    if (!(Number.isSafeInteger(options.logsWaitMs) && options.logsWaitMs > 0)) throw new HarnessError('EFZ_USAGE', `\`logsWaitMs\` must be a whole number of milliseconds ≥ 1, got ${String(options.logsWaitMs)}.`);
    if (logs !== 'cloudwatch') throw new HarnessError('EFZ_USAGE', '--logs-wait is how long --logs cloudwatch waits for a log: give it with --logs cloudwatch.');
  }
}

/** Library callers get the CLI's checks: a NaN budget must not mean "run forever". */
function checkOptions(options: FuzzOptions): void {
  const handler: unknown = options.handler;
  if (options.function !== undefined && options.url !== undefined) throw new HarnessError('EFZ_USAGE', 'Give either a deployed function (--function) or an HTTP endpoint (--url), not both.');
  if (options.url !== undefined) {
    if (handler !== undefined) throw new HarnessError('EFZ_USAGE', 'Give either a local handler or an HTTP endpoint (--url), not both.');
    if (!/^https?:\/\/\S+$/i.test(String(options.url))) throw new HarnessError('EFZ_USAGE', `\`url\` must be an http(s) URL, got "${String(options.url)}".`);
    if (options.source !== undefined && options.source !== 'apigw-rest' && options.source !== 'apigw-http') {
      throw new HarnessError('EFZ_USAGE', `An HTTP endpoint takes API Gateway events: --source apigw-rest or apigw-http, not ${options.source}.`);
    }
  } else if (options.function !== undefined) {
    if (handler !== undefined) throw new HarnessError('EFZ_USAGE', 'Give either a local handler or a deployed function (--function), not both.');
    if (typeof options.function !== 'string' || options.function.trim() === '') throw new HarnessError('EFZ_USAGE', '`function` must be a Lambda function name or ARN.');
  } else if (!(handler instanceof URL) && (typeof handler !== 'string' || handler.trim() === '')) {
    throw new HarnessError('EFZ_USAGE', 'fuzz() needs `handler`: a module path with an optional #export, or a file URL.');
  }
  if (options.maxCost !== undefined && !(Number.isFinite(options.maxCost) && options.maxCost > 0)) {
    throw new HarnessError('EFZ_USAGE', `\`maxCost\` must be an amount of US dollars > 0, got ${String(options.maxCost)}.`);
  }
  if (options.rate !== undefined && !(Number.isFinite(options.rate) && options.rate > 0)) throw new HarnessError('EFZ_USAGE', `\`rate\` must be > 0 per second, got ${String(options.rate)}.`);
  const positiveInteger = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) throw new HarnessError('EFZ_USAGE', `\`${name}\` must be a whole number ≥ 1, got ${String(value)}.`);
  };
  checkLogsOptions(options);
  positiveInteger('runs', options.runs);
  positiveInteger('timeoutMs', options.timeoutMs);
  positiveInteger('workers', options.workers);
  positiveInteger('instances', options.instances);
  positiveInteger('memoryLimitMb', options.memoryLimitMb);
  positiveInteger('maxInvocations', options.maxInvocations);
  positiveInteger('concurrency', options.concurrency);
  if (options.durationMs !== undefined && !(Number.isFinite(options.durationMs) && options.durationMs > 0)) {
    throw new HarnessError('EFZ_USAGE', `\`durationMs\` must be a number of milliseconds > 0, got ${String(options.durationMs)}.`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new HarnessError('EFZ_USAGE', `\`seed\` must be an integer, got ${String(options.seed)}.`);
  if (options.shard !== undefined) {
    checkShard(options.shard, `\`shard\` ${JSON.stringify(options.shard)}`);
    // Each shard would draw its own random seed: their cases would have nothing to do with each other.
    if (options.seed === undefined) throw new HarnessError('EFZ_USAGE', 'A sharded run needs a seed shared by all shards (--seed N), or the shards would not split one campaign.');
  }
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
