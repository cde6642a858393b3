import type { Finding, FuzzCase, Observation } from '../core/index.js';
import type { WatchedSecret } from '../core/index.js';
import { dedupeKey } from '../core/index.js';
import { toReported } from '../engine/campaign.js';
import { needsReproduction, runControl } from '../engine/confirm.js';
import type { KeyedFinding } from '../engine/confirm.js';
import type { FindingSink } from '../engine/types.js';
import type { OracleContext } from '../oracles/types.js';
import type { Runner } from '../runners/types.js';
import { canaryFromSeed } from '../../generators/canary.js';

/** A failure on an unmodified event: the handler shows it before any payload. */
export interface BaselineProblem extends Pick<Finding, 'oracle' | 'severity' | 'title' | 'evidence' | 'signature'> {
  /** The corpus entry it was saved to (like any finding), so `replay` fails the build until it is fixed. */
  readonly corpusFile?: string | undefined;
}

/** What the handler did with events that carry no payload. */
export interface BaselineResult {
  /** How many unmodified events were invoked. */
  readonly events: number;
  /** Findings on unmodified events: problems that have nothing to do with the payloads. */
  readonly problems: readonly BaselineProblem[];
}

export interface BaselineRequest {
  readonly runner: Runner;
  readonly sourceId: string;
  /** The user's samples, each invoked exactly as given. */
  readonly samples: readonly unknown[];
  /** The source's plainest valid event (`EventSource.plain`), used when there are no samples. */
  readonly plain: (() => unknown) | undefined;
  readonly seed: number;
  readonly judge: (observation: Observation, context: OracleContext) => readonly Finding[];
  readonly secrets: readonly WatchedSecret[];
  readonly timeoutMs: number;
  /** Where each problem is saved the moment it is confirmed, like a campaign finding. */
  readonly sink?: FindingSink | undefined;
}

/**
 * Invokes each sample exactly as given (or, without samples, the source's plainest valid event) before fuzzing.
 * A handler that already crashes, hangs or leaks on an ordinary event would otherwise bury the campaign in
 * findings that no payload caused; the caller reports these problems up front and leaves exactly their
 * oracle + signature out of the campaign's findings (any other crash is still a finding). A problem is saved to
 * the corpus like a finding, so replay gates on it. A timeout counts only when a second invocation times out
 * too (the campaign's control-run rule): a slow moment of the machine is not the handler's problem.
 */
export async function runBaseline(request: BaselineRequest): Promise<BaselineResult> {
  const events = request.samples.length > 0 ? request.samples : request.plain === undefined ? [] : [request.plain()];
  const problems = new Map<string, BaselineProblem>();
  for (const [index, event] of events.entries()) {
    const fuzzCase: FuzzCase = { source: request.sourceId, event, canary: canaryFromSeed(request.seed + index), injection: null, mutators: [] };
    let invocation = 0;
    const evaluate = async (candidate: FuzzCase): Promise<readonly KeyedFinding[]> => {
      const observation = await request.runner.invoke({ caseId: `baseline-${index}${invocation++ === 0 ? '' : `-${invocation}`}`, event: candidate.event });
      return request.judge(observation, { case: candidate, secrets: request.secrets, timeoutMs: request.timeoutMs }).map((finding) => ({ key: dedupeKey(finding), finding }));
    };
    for (const { key, finding } of await evaluate(fuzzCase)) {
      if (problems.has(key)) continue;
      if (needsReproduction(finding)) {
        const verdict = await runControl({ fuzzCase, finding, key, evaluate, reproduce: true, withoutPayload: () => undefined });
        if (verdict.kind === 'unreproduced') continue;
      }
      const saved = request.sink === undefined ? undefined : await request.sink.save(toReported(key, finding, fuzzCase, 1));
      const { oracle, severity, title, evidence, signature } = finding;
      problems.set(key, { oracle, severity, title, evidence, signature, ...(saved === undefined ? {} : { corpusFile: saved }) });
    }
  }
  return { events: events.length, problems: [...problems.values()] };
}

/** The `oracle|signature` pairs the campaign leaves out. */
export function baselineSignatures(baseline: BaselineResult): ReadonlySet<string> {
  return new Set(baseline.problems.map((problem) => `${problem.oracle}|${problem.signature}`));
}
