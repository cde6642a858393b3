import fc from 'fast-check';
import type { Finding, FuzzCase, Observation } from '../core/index.js';
import type { WatchedSecret } from '../core/index.js';
import type { OracleContext } from '../oracles/types.js';
import type { Runner } from '../runners/types.js';
import { canaryFromSeed } from '../../generators/canary.js';
import type { CaseSpace } from '../../generators/index.js';

/** What the handler did with events that carry no payload. */
export interface BaselineResult {
  /** How many unmodified events were invoked. */
  readonly events: number;
  /** Findings on unmodified events: problems that have nothing to do with the payloads. */
  readonly problems: readonly Pick<Finding, 'oracle' | 'severity' | 'title' | 'evidence' | 'signature'>[];
}

export interface BaselineRequest {
  readonly runner: Runner;
  readonly space: CaseSpace;
  /** The user's samples; when there are none, one generated valid event is used. */
  readonly samples: readonly unknown[];
  readonly seed: number;
  readonly judge: (observation: Observation, context: OracleContext) => readonly Finding[];
  readonly secrets: readonly WatchedSecret[];
  readonly timeoutMs: number;
}

/**
 * Invokes each sample (or one plain valid event) unmodified before fuzzing. A handler that already crashes,
 * hangs or leaks on a valid event would otherwise bury the campaign in findings that no payload caused; the
 * caller reports these problems up front and leaves their signatures out of the campaign's findings.
 */
export async function runBaseline(request: BaselineRequest): Promise<BaselineResult> {
  const events = request.samples.length > 0 ? request.samples : fc.sample(request.space.base, { seed: request.seed, numRuns: 1 });
  const problems = new Map<string, BaselineResult['problems'][number]>();
  for (const [index, event] of events.entries()) {
    const fuzzCase: FuzzCase = { source: request.space.sourceId, event, canary: canaryFromSeed(request.seed + index), injection: null, mutators: [] };
    const observation = await request.runner.invoke({ caseId: `baseline-${index}`, event });
    for (const finding of request.judge(observation, { case: fuzzCase, secrets: request.secrets, timeoutMs: request.timeoutMs })) {
      const { oracle, severity, title, evidence, signature } = finding;
      problems.set(`${oracle}|${signature}`, { oracle, severity, title, evidence, signature });
    }
  }
  return { events: events.length, problems: [...problems.values()] };
}

/** The `oracle|signature` pairs the campaign leaves out. */
export function baselineSignatures(baseline: BaselineResult): ReadonlySet<string> {
  return new Set(baseline.problems.map((problem) => `${problem.oracle}|${problem.signature}`));
}
