import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { FuzzCase } from '../core/index.js';
import { HarnessError, isHarnessError } from '../core/index.js';
import type { CorpusEntry, CorpusTarget } from '../corpus/entry.js';
import { readCorpus } from '../corpus/store.js';
import type { SeedEvent } from '../corpus/seeds.js';
import { readSeeds } from '../corpus/seeds.js';
import { judge, selectOracles } from '../oracles/index.js';
import type { OracleContext } from '../oracles/types.js';
import { parseHandlerRef } from '../runners/index.js';
import type { Runner, RunnerKind } from '../runners/types.js';
import { isRemoteRunner } from '../runners/types.js';
import type { Isolation } from '../runners/index.js';
import { canaryFromSeed } from '../../generators/canary.js';
import { getEventSource, sourceIds, withStoredPayload } from '../../generators/index.js';
import { detectSource } from '../../generators/sample/index.js';
import type { TimingOptions } from './remote-timing.js';
import { replayTimingFinding } from './remote-timing.js';
import { startLocalTarget } from './local-target.js';
import { remoteCaps, startRemoteTarget } from './remote-target.js';
import type { FuzzOptions } from './fuzz.js';
import { checkLogsOptions } from './fuzz.js';

export interface ReplayOptions {
  /** Corpus files or directories. */
  readonly paths: readonly string[];
  /** Replay against this handler instead of the one each entry was found on. */
  readonly handler?: string | undefined;
  /**
   * Replay against this HTTP endpoint instead (as `fuzz({ url })` sends events: API Gateway events as real
   * requests, behind the same caps and production guard); entries found on an endpoint go back to theirs anyway.
   */
  readonly url?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly runner?: RunnerKind | undefined;
  readonly workers?: number | undefined;
  /** Isolated runner: child processes (default) or worker threads; see `FuzzOptions.isolation`. */
  readonly isolation?: Isolation | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly secrets?: readonly string[] | undefined;
  readonly allowExec?: boolean | undefined;
  /** See `FuzzOptions.writableRoots`. */
  readonly writableRoots?: readonly string[] | undefined;
  readonly cwd?: string | undefined;
  /** The handler's working directory and `LAMBDA_TASK_ROOT`, relative to `cwd` (default: the handler's package root). */
  readonly taskRoot?: string | undefined;
  /**
   * How to reach the deployed function entries found on a Lambda target name (their stored ref: name, ARN, or
   * `name:qualifier`): region, profile, endpoint, the caps (defaults as for fuzz), the production guard and the
   * secrets of your environment to watch; for an HTTP endpoint, the headers sent with every request too.
   */
  readonly remote?: ReplayRemoteOptions | undefined;
  /**
   * Doses and repeats for re-checking a stored timing finding (a remote one: `fuzz`'s timing checks), whose dose
   * series runs again (default 0.5, 1, 2 s, three rounds: about 11 s of sleep while the bug is there).
   */
  readonly timing?: Pick<TimingOptions, 'doses' | 'repeats'> | undefined;
}

/** See `ReplayOptions.remote`; the fields mean what they mean for `fuzz()`. */
export type ReplayRemoteOptions = Pick<FuzzOptions, 'region' | 'profile' | 'endpoint' | 'headers' | 'logs' | 'logsWaitMs' | 'maxInvocations' | 'rate' | 'concurrency' | 'allowProduction' | 'secretEnv'>;

/** What one corpus file showed when replayed: a stored finding, or a hand-written seed event. */
export type ReplayOutcome = FindingReplayOutcome | SeedReplayOutcome;

export interface FindingReplayOutcome {
  readonly kind: 'finding';
  readonly file: string;
  readonly entry: CorpusEntry;
  readonly target: string;
  /** True when the stored finding (same oracle, point and sink, wherever its line moved) shows again. */
  readonly reproduces: boolean;
  /** What the oracles said this time (titles), for context when it no longer reproduces. */
  readonly seen: readonly string[];
  /**
   * When the reproduced finding's evidence shows the payload really ran (the canary program wrote down its
   * token, which only happens with `allowExec`; the canary function ran), that line: the proof a replay gives.
   */
  readonly ran?: string | undefined;
}

export interface SeedReplayOutcome {
  readonly kind: 'seed';
  readonly file: string;
  readonly seed: SeedEvent;
  /** The seed's source, as its file says or as recognised from the event. */
  readonly source: string;
  readonly target: string;
  /** True when the seed event, which must pass cleanly, showed a finding: it fails the build as a finding does. */
  readonly reproduces: boolean;
  readonly seen: readonly string[];
}

/** A corpus file to replay: a stored finding, or a seed event with the case it is sent as. */
type ReplayItem =
  | { readonly kind: 'finding'; readonly file: string; readonly entry: CorpusEntry; readonly case: FuzzCase; readonly seed: number }
  | { readonly kind: 'seed'; readonly file: string; readonly seedEvent: SeedEvent; readonly case: FuzzCase; readonly seed: number };

/** A seed event carries no payload; its canary is one no generated case uses, so only what the event itself does shows. */
const SEED_CANARY = canaryFromSeed(0x5eed);

/**
 * Replays stored findings exactly as stored (no regeneration), and the seed events beside them, grouped by
 * target so each handler loads once. CI fails the build while any entry still reproduces or any seed shows a
 * finding.
 */
export async function replay(options: ReplayOptions): Promise<readonly ReplayOutcome[]> {
  const cwd = options.cwd ?? process.cwd();
  const items = readItems(options.paths);
  if (items.length === 0) throw new HarnessError('EFZ_CORPUS_INVALID', `No corpus entries (*.json) under ${options.paths.join(', ')}.`);
  if (options.handler !== undefined && options.url !== undefined) throw new HarnessError('EFZ_USAGE', 'Give either a local handler (--handler) or an HTTP endpoint (--url) to replay on, not both.');
  const byTarget = new Map<string, ReplayItem[]>();
  const fallback = soleTarget(items);
  for (const item of items) {
    const key = targetKey(item, options, fallback);
    byTarget.set(key, [...(byTarget.get(key) ?? []), item]);
  }
  const oracles = selectOracles();
  const timeoutMs = options.timeoutMs ?? 3000;
  const outcomes: ReplayOutcome[] = [];
  for (const [key, group] of byTarget) {
    const ref = key.slice(key.indexOf(':') + 1);
    const remoteKind = key.startsWith('lambda:') ? 'lambda' : key.startsWith('http:') ? 'http' : undefined;
    const runner = remoteKind === undefined ? await startRunner(ref, group[0]!, options, cwd, timeoutMs) : await startRemoteRunner(remoteKind, ref, group, options, timeoutMs);
    const judgeCase: Judge = (observation, ctx) => judge(observation, oracles, { ...ctx, remote: isRemoteRunner(runner.runner) });
    try {
      for (const item of group) {
        if (item.kind === 'seed') {
          const observation = await runner.runner.invoke({ caseId: `seed-${outcomes.length}`, event: item.case.event });
          const findings = judgeCase(observation, { case: item.case, secrets: runner.secrets, timeoutMs });
          outcomes.push({ kind: 'seed', file: item.file, seed: item.seedEvent, source: item.case.source, target: ref, reproduces: findings.length > 0, seen: findings.map((f) => f.title) });
          continue;
        }
        const { entry } = item;
        const { findings } = await replayEntry(runner.runner, entry, judgeCase, runner.secrets, timeoutMs, options.timing);
        const again = findings.find((f) => f.oracle === entry.finding.oracle && replayKey(f.oracle, f.signature) === storedKey(entry));
        outcomes.push({
          kind: 'finding',
          file: item.file,
          entry,
          target: ref,
          reproduces: again !== undefined,
          seen: findings.map((f) => f.title),
          ran: again?.evidence.split('\n').find((line) => RAN_LINE.test(line))?.trim(),
        });
      }
    } finally {
      await runner.runner.close();
    }
  }
  return outcomes;
}

/** The findings and the seed events under `paths`, each with the case it is sent as. */
function readItems(paths: readonly string[]): ReplayItem[] {
  const findings: ReplayItem[] = readCorpus(paths).map(({ file, entry }) => ({ kind: 'finding', file, entry, case: entry.case, seed: entry.seed }));
  const seeds: ReplayItem[] = readSeeds(paths).map(({ file, seed }) => {
    const source = seed.source ?? detectSource(seed.event);
    if (source === undefined) {
      throw new HarnessError(
        'EFZ_CORPUS_INVALID',
        `${relative(process.cwd(), file) || file}: cannot tell which event source this seed is (its shape is none eventfuzz knows); say it: { "kind": "seed", "source": "sqs", "event": … }.`,
      );
    }
    return { kind: 'seed', file, seedEvent: seed, case: { source, event: seed.event, canary: SEED_CANARY, injection: null, mutators: [] }, seed: 1 };
  });
  return [...findings, ...seeds];
}

/** The one target every stored finding shares (a corpus of one handler), which a seed naming none replays on. */
function soleTarget(items: readonly ReplayItem[]): string | undefined {
  const targets = new Set(items.flatMap((item) => (item.kind === 'finding' ? [`${item.entry.target.kind}:${item.entry.target.ref}`] : [])));
  return targets.size === 1 ? [...targets][0] : undefined;
}

/**
 * Where an item replays: everything on a given --url or --handler; otherwise a finding where it was found, and
 * a seed on the target its file names, else on the corpus's one target.
 */
function targetKey(item: ReplayItem, options: ReplayOptions, fallback: string | undefined): string {
  if (options.url !== undefined) return `http:${options.url}`;
  if (options.handler !== undefined) return `local:${options.handler}`;
  if (item.kind === 'finding') return `${item.entry.target.kind}:${item.entry.target.ref}`;
  const named = item.seedEvent.target;
  if (named !== undefined) return `${named.kind}:${named.ref}`;
  if (fallback !== undefined) return fallback;
  throw new HarnessError(
    'EFZ_USAGE',
    `${relative(process.cwd(), item.file) || item.file}: a seed event names no target to replay on; pass --handler <file#export> (or --url), or give the file a "target": { "kind": "local", "ref": "src/handler.ts#handler" }.`,
  );
}

/** The evidence lines that say a payload really executed (command-injection's and code-injection's wording). */
const RAN_LINE = /^\s*(canary program ran: |It ran: )/;

/** Writes another payload into a stored case the way it was written (a custom event has no fields to keep in sync). */
function storedRewriter(stored: CorpusEntry['case']): (fuzzCase: CorpusEntry['case'], text: string) => CorpusEntry['case'] | undefined {
  const sync = (sourceIds as readonly string[]).includes(stored.source) ? getEventSource(stored.source).sync : (event: unknown) => event;
  return (fuzzCase, text) => withStoredPayload(fuzzCase, text, sync);
}

type Judge = (observation: Parameters<typeof judge>[0], context: OracleContext) => ReturnType<typeof judge>;

/**
 * One stored case, run as stored. A state leak needs two invocations on one warm instance: the stored event (the
 * case whose data leaked) plants its canary, then the same event carrying a fresh canary must not get the first
 * one back.
 */
async function replayEntry(runner: Runner, entry: CorpusEntry, judgeCase: Judge, secrets: OracleContext['secrets'], timeoutMs: number, timing: Pick<TimingOptions, 'doses' | 'repeats'> | undefined) {
  const stored = entry.case;
  // A timing finding is decided by a dose series, not by one answer: run the check again.
  const timed = isRemoteRunner(runner) ? await replayTimingFinding(runner, stored, storedRewriter(stored), timing) : undefined;
  if (timed !== undefined) return { findings: timed };
  const first = await runner.invoke({ caseId: entry.id, event: stored.event });
  if (entry.finding.oracle !== 'state-leak') {
    const context: OracleContext = { case: stored, secrets, timeoutMs };
    return { findings: judgeCase(first, context) };
  }
  const fresh = canaryFromSeed(entry.seed ^ 0x51a7e);
  const probe: FuzzCase = { ...stored, canary: fresh, event: JSON.parse(JSON.stringify(stored.event).replaceAll(stored.canary, fresh)) as unknown };
  const second = await runner.invoke({ caseId: `${entry.id}-probe`, event: probe.event });
  const context: OracleContext = { case: probe, secrets, timeoutMs, earlierCanaries: [stored.canary] };
  return { findings: judgeCase(second, context) };
}

/** A deployed function or an HTTP endpoint, behind the same caps and production guard as a remote fuzz run. */
async function startRemoteRunner(kind: 'lambda' | 'http', ref: string, items: readonly ReplayItem[], options: ReplayOptions, timeoutMs: number) {
  const remote = options.remote ?? {};
  checkLogsOptions(kind === 'lambda' ? { ...remote, function: ref } : { ...remote, url: ref });
  const { runner, secrets } = await startRemoteTarget({
    lambda: kind === 'lambda' ? { functionName: ref, region: remote.region, profile: remote.profile, endpoint: remote.endpoint, logs: remote.logs, logsWaitMs: remote.logsWaitMs } : undefined,
    http: kind === 'http' ? { url: ref, source: httpSourceOf(items), headers: remote.headers } : undefined,
    caps: remoteCaps(remote),
    timeoutMs,
    allowProduction: remote.allowProduction ?? false,
    secretEnv: remote.secretEnv ?? [],
    learnSecrets: false,
    allowExec: options.allowExec ?? false,
    // A replay sends a handful of stored cases: no cost line to weigh before it.
    notice: () => undefined,
  });
  return { runner, secrets };
}

/** The event shape an endpoint gets: API Gateway's, which every entry sent to it must hold. */
function httpSourceOf(items: readonly ReplayItem[]): 'apigw-rest' | 'apigw-http' {
  for (const { file, case: { source } } of items) {
    if (source !== 'apigw-rest' && source !== 'apigw-http') {
      throw new HarnessError('EFZ_USAGE', `${file}: an HTTP endpoint takes API Gateway events (apigw-rest or apigw-http); this entry holds a ${source} event (replay it with --handler or --function).`);
    }
  }
  return items[0]!.case.source as 'apigw-rest' | 'apigw-http';
}

async function startRunner(ref: string, first: ReplayItem, options: ReplayOptions, cwd: string, timeoutMs: number) {
  try {
    const { file, exportName } = parseHandlerRef(ref, cwd);
    return await startLocalTarget({
      file,
      exportName,
      seed: first.seed,
      timeoutMs,
      memoryLimitMb: 512,
      functionName: 'eventfuzz-target',
      env: options.env,
      secrets: options.secrets,
      allowExec: options.allowExec ?? false,
      writableRoots: options.writableRoots?.map((dir) => resolve(cwd, dir)),
      runner: options.runner ?? 'isolated',
      workers: options.workers ?? 1,
      // No growth: a replay re-runs a few stored cases, and a state leak replays only on the same instances.
      instances: options.workers ?? 1,
      isolation: options.isolation,
      taskRoot: options.taskRoot === undefined ? undefined : resolve(cwd, options.taskRoot),
    });
  } catch (error) {
    // Stored refs are relative to where fuzz ran: say which entry asked for it and how to point elsewhere.
    if (isHarnessError(error) && options.handler === undefined && error.code === 'EFZ_HANDLER_NOT_FOUND') {
      throw new HarnessError(error.code, `${error.message}\n(${first.file} was found on "${ref}", relative to the directory eventfuzz ran in; run replay from there, or pass --handler <file#export>.)`);
    }
    throw error;
  }
}

/**
 * What must match for a finding to count as the stored one: oracle and signature (what the bug is; the field
 * it was found through does not matter), with line and column numbers taken out, so adding a line above the
 * bug does not make replay call it fixed.
 */
function replayKey(oracle: string, signature: string): string {
  // Also by file name only: call sites are relative to the task root where eventfuzz could place the file,
  // and absolute elsewhere (a handler replayed from another checkout).
  const stable = signature.replace(/:\d+:\d+/g, '').replace(/:\d+\b/g, '').replace(/(?:[^\s|:()]*\/)+/g, '');
  return `${oracle}|${stable}`;
}

/**
 * The stored key without its oracle: `oracle|signature`, or, in entries written before findings were
 * deduplicated across fields, `oracle|<point, * or ->|signature`, whose middle part is dropped.
 */
function storedKey(entry: CorpusEntry): string {
  const [oracle = '', ...rest] = entry.finding.dedupeKey.split('|');
  const legacyPoint = rest.length > 1 && (rest[0] === '*' || rest[0] === '-' || rest[0] === entry.finding.injectionPoint);
  return replayKey(oracle, (legacyPoint ? rest.slice(1) : rest).join('|'));
}

/**
 * Replays the entries of `corpusDir` that were found on `handler` (the same file and export, wherever the ref
 * was written from), on that handler: what the vitest matcher runs first. A corpus shared by several handlers
 * must not send one handler's findings to another. A missing corpus, or one without an entry of this handler,
 * replays nothing; a damaged file is still an error.
 */
export async function replayFoundOn(handler: string, corpusDir: string, options: Omit<ReplayOptions, 'paths' | 'handler' | 'url'> = {}): Promise<readonly ReplayOutcome[]> {
  const cwd = options.cwd ?? process.cwd();
  const corpus = resolve(cwd, corpusDir);
  if (!existsSync(corpus)) return [];
  const target = parseHandlerRef(handler, cwd);
  const isThisHandler = (stored: CorpusTarget | undefined): boolean => {
    if (stored?.kind !== 'local') return false;
    try {
      const parsed = parseHandlerRef(stored.ref, cwd);
      return parsed.file === target.file && parsed.exportName === target.exportName;
    } catch {
      return false; // a ref this machine cannot parse is no entry of this handler
    }
  };
  // A seed that names no target could be any handler's: only those that name this one.
  const mine = [...readCorpus([corpus]).filter(({ entry }) => isThisHandler(entry.target)), ...readSeeds([corpus]).filter(({ seed }) => isThisHandler(seed.target))];
  if (mine.length === 0) return [];
  return replay({ ...options, cwd, paths: mine.map((item) => item.file), handler });
}
