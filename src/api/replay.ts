import { dedupeKey, HarnessError } from '../core/index.js';
import type { CorpusEntry } from '../corpus/entry.js';
import { readCorpus } from '../corpus/store.js';
import { judge, selectOracles } from '../oracles/index.js';
import { createLambdaEnvironment } from '../runners/lambda-env.js';
import { createLocalRunner, parseHandlerRef } from '../runners/index.js';
import type { RunnerKind } from '../runners/types.js';

export interface ReplayOptions {
  /** Corpus files or directories. */
  readonly paths: readonly string[];
  /** Replay against this handler instead of the one each entry was found on. */
  readonly handler?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly runner?: RunnerKind | undefined;
  readonly workers?: number | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly secrets?: readonly string[] | undefined;
  readonly allowExec?: boolean | undefined;
  readonly cwd?: string | undefined;
}

export interface ReplayOutcome {
  readonly file: string;
  readonly entry: CorpusEntry;
  readonly target: string;
  /** True when the stored finding (same oracle, point and signature) shows again. */
  readonly reproduces: boolean;
  /** What the oracles said this time (titles), for context when it no longer reproduces. */
  readonly seen: readonly string[];
}

/**
 * Replays stored findings exactly as stored (no regeneration), grouped by target so each handler loads once.
 * CI fails the build while any entry still reproduces.
 */
export async function replay(options: ReplayOptions): Promise<readonly ReplayOutcome[]> {
  const cwd = options.cwd ?? process.cwd();
  const entries = readCorpus(options.paths);
  if (entries.length === 0) throw new HarnessError('EFZ_CORPUS_INVALID', `No corpus entries (*.json) under ${options.paths.join(', ')}.`);
  const byTarget = new Map<string, typeof entries>();
  for (const item of entries) {
    if (options.handler === undefined && item.entry.target.kind !== 'local') {
      throw new HarnessError('EFZ_USAGE', `${item.file}: found on a ${item.entry.target.kind} target; only local handlers can be replayed in this version (pass --handler).`);
    }
    const ref = options.handler ?? item.entry.target.ref;
    byTarget.set(ref, [...(byTarget.get(ref) ?? []), item]);
  }
  const oracles = selectOracles();
  const timeoutMs = options.timeoutMs ?? 3000;
  const outcomes: ReplayOutcome[] = [];
  for (const [ref, items] of byTarget) {
    const { file, exportName } = parseHandlerRef(ref, cwd);
    const { env, secrets } = createLambdaEnvironment({
      functionName: 'eventfuzz-target',
      region: 'us-east-1',
      memoryLimitMb: 512,
      timeoutMs,
      seed: items[0]!.entry.seed,
      handlerFile: file,
      exportName,
      extraEnv: options.env ?? {},
      secretNames: options.secrets ?? [],
    });
    const runner = createLocalRunner(options.runner ?? 'isolated', {
      file,
      exportName,
      timeoutMs,
      env,
      allowExec: options.allowExec ?? false,
      functionName: 'eventfuzz-target',
      memoryLimitMb: 512,
      workers: options.workers ?? 1,
    });
    await runner.start();
    try {
      for (const { file: entryFile, entry } of items) {
        const observation = await runner.invoke({ caseId: entry.id, event: entry.case.event });
        const findings = judge(observation, oracles, { case: entry.case, secrets, timeoutMs });
        const point = entry.case.injection?.point ?? null;
        outcomes.push({
          file: entryFile,
          entry,
          target: ref,
          reproduces: findings.some((f) => dedupeKey(f, point) === entry.finding.dedupeKey),
          seen: findings.map((f) => f.title),
        });
      }
    } finally {
      await runner.close();
    }
  }
  return outcomes;
}
