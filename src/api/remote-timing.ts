import type { Finding, FuzzCase, Observation, SerializedError } from '../core/index.js';
import { HarnessError } from '../core/index.js';
import { safely, toReported } from '../engine/campaign.js';
import { TimingCandidates } from '../engine/timing-candidates.js';
import type { TimingPlan, TimingShape } from '../engine/timing-check.js';
import { DEFAULT_TIMING_DOSES, DEFAULT_TIMING_REPEATS, runTimingChecks, timingCostPerField } from '../engine/timing-check.js';
import { formatSeconds } from '../engine/timing.js';
import type { CampaignListener, CampaignResult, FindingSink } from '../engine/types.js';
import type { OracleContext } from '../oracles/types.js';
import { loadTimingPayloads, MAX_TIMING_SECONDS, renderTimingPayload } from '../payloads/index.js';
import type { GuardedRunner } from '../runners/remote-guard.js';
import { CAP_REACHED_ERROR } from '../runners/remote-guard.js';
import type { Runner } from '../runners/types.js';

/** Remote timing checks, tuned (tests use doses of a few hundred milliseconds). */
export interface TimingOptions {
  /** Non-zero doses in seconds, at least three, each at most 2 (default 0.5, 1, 2); the zero dose is added. */
  readonly doses?: readonly number[] | undefined;
  /** Measurements of each dose (default 3, at least 2). */
  readonly repeats?: number | undefined;
  /** Invocations kept from the cap for timing checks (default: 60, at most an eighth of the cap). */
  readonly maxInvocations?: number | undefined;
}

/** Invocations a default remote run keeps for timing checks: about three fields' worth of a full check each. */
export const DEFAULT_TIMING_RESERVE = 60;
/** Never more than this share of the cap by default, so a small `--max-invocations` still mostly fuzzes. */
const RESERVE_SHARE = 1 / 8;

/**
 * The plan of a remote run's timing checks, or `undefined` when they are off (`timing: false`). On by default:
 * the invocations they use are kept back from the cap (the campaign stops that much earlier), so the run's total
 * stays within `--max-invocations` and the printed worst-case cost, which already prices every invocation at the
 * function's full timeout.
 * @throws HarnessError `EFZ_USAGE` for doses, repeats or a budget that cannot work.
 */
export function timingPlan(option: boolean | TimingOptions | undefined, cap: number): TimingPlan | undefined {
  if (option === false) return undefined;
  const asked = typeof option === 'object' ? option : {};
  const doses = [...new Set(asked.doses ?? DEFAULT_TIMING_DOSES)].sort((a, b) => a - b);
  if (doses.length < 3 || doses.some((d) => !(Number.isFinite(d) && d > 0 && d <= MAX_TIMING_SECONDS))) {
    throw new HarnessError('EFZ_USAGE', `Timing doses must be at least three distinct delays above 0 and at most ${MAX_TIMING_SECONDS} s, got ${JSON.stringify(asked.doses)}.`);
  }
  const repeats = asked.repeats ?? DEFAULT_TIMING_REPEATS;
  if (!(Number.isSafeInteger(repeats) && repeats >= 2)) throw new HarnessError('EFZ_USAGE', `Timing repeats must be a whole number ≥ 2, got ${String(repeats)}.`);
  const maxInvocations = asked.maxInvocations ?? Math.min(DEFAULT_TIMING_RESERVE, Math.floor(cap * RESERVE_SHARE));
  if (!(Number.isSafeInteger(maxInvocations) && maxInvocations >= 0 && maxInvocations < cap)) {
    throw new HarnessError('EFZ_USAGE', `Timing checks may use 0 to ${cap - 1} of the ${cap} invocations, got ${String(maxInvocations)}.`);
  }
  return { doses, repeats, maxInvocations };
}

/** The sleeping twins of the command- and code-injection shapes, from `payloads/timing/`. */
export function timingShapes(): readonly TimingShape[] {
  return loadTimingPayloads().map((payload) => ({
    id: payload.id,
    family: payload.family,
    render: (token: string, seconds: number) => renderTimingPayload(payload.template, token, seconds),
  }));
}

/** The line printed before the run: what timing checks may cost, and how to turn them off. */
export function timingNotice(plan: TimingPlan, cap: number, shapes: readonly TimingShape[]): string {
  const cost = timingCostPerField(plan, mostShapes(shapes));
  const perField = cost.screening + cost.series;
  if (plan.maxInvocations < perField) {
    return `eventfuzz: timing checks: off for this run (one needs ${perField} invocations, ${plan.maxInvocations} of the ${cap} are kept for them; raise --max-invocations)`;
  }
  return (
    `eventfuzz: timing checks: up to ${plan.maxInvocations} of the ${cap} invocations are kept for sleep payloads (doses ${plan.doses.map(formatSeconds).join(', ')}) ` +
    `at fields where command or code injection showed nothing: ${cost.screening} a field, ${cost.series} more (sleeping ${formatSeconds(cost.seriesSleepS)} in all) where a field slows down; --no-timing gives them to fuzzing`
  );
}

/**
 * The timing checks of a remote run, or `undefined` when they are off or the budget cannot pay for one check
 * (either way said in one line before the first invocation, through `notice`).
 */
export function startRemoteTiming(
  option: boolean | TimingOptions | undefined,
  runner: GuardedRunner,
  cap: number,
  withPayload: (fuzzCase: FuzzCase, payload: string) => FuzzCase | undefined,
  notice: (line: string) => void,
): RemoteTiming | undefined {
  const plan = timingPlan(option, cap);
  if (plan === undefined) return undefined;
  const shapes = timingShapes();
  notice(timingNotice(plan, cap, shapes));
  return plan.maxInvocations < timingCheckCost(plan, shapes) ? undefined : createRemoteTiming(runner, plan, cap, shapes, withPayload);
}

/** The most invocations one field's check takes with these shapes. */
function timingCheckCost(plan: TimingPlan, shapes: readonly TimingShape[]): number {
  const cost = timingCostPerField(plan, mostShapes(shapes));
  return cost.screening + cost.series;
}

/** How many shapes the family with the most has: a field of that family costs the most to screen. */
function mostShapes(shapes: readonly TimingShape[]): number {
  const counts = new Map<string, number>();
  for (const shape of shapes) counts.set(shape.family, (counts.get(shape.family) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

/** What fuzz() needs to run a remote campaign with timing checks after it. */
export interface RemoteTiming {
  /** The guarded runner as the campaign sees it: it stops `plan.maxInvocations` short of the cap. */
  readonly campaignRunner: Runner;
  /** Aborted once the campaign reached its share: it stops there like at the cap. */
  readonly campaignExhausted: AbortSignal;
  /** Wraps the campaign's judge to collect the fields where nothing came back. */
  readonly judge: (judge: (observation: Observation, context: OracleContext) => readonly Finding[]) => (observation: Observation, context: OracleContext) => readonly Finding[];
  /** Runs the checks after the campaign and returns its result with the timing findings and invocations added. */
  finish(result: CampaignResult, context: TimingFinishContext): Promise<CampaignResult>;
}

export interface TimingFinishContext {
  readonly sink: FindingSink | undefined;
  readonly listener: CampaignListener | undefined;
  readonly signal: AbortSignal | undefined;
}

/** Sets up a remote run's timing checks around the guarded runner (see `timingPlan`). */
export function createRemoteTiming(runner: GuardedRunner, plan: TimingPlan, cap: number, shapes: readonly TimingShape[], withPayload: (fuzzCase: FuzzCase, payload: string) => FuzzCase | undefined): RemoteTiming {
  // Only cases whose field can carry another text are worth keeping: the check rewrites that field.
  const candidates = new TimingCandidates((fuzzCase) => withPayload(fuzzCase, fuzzCase.injection?.payload ?? '') !== undefined);
  const exhausted = new AbortController();
  const campaignLimit = cap - plan.maxInvocations;
  const campaignRunner: Runner = {
    kind: runner.kind,
    get parallelism() {
      return runner.parallelism;
    },
    start: () => runner.start(),
    close: () => runner.close(),
    invoke: (invocation) => {
      // Checked on the guard's own count (baseline and throttled retries included): what is left is the reserve.
      if (runner.invocations >= campaignLimit) {
        exhausted.abort();
        return Promise.resolve(notDelivered(invocation.caseId, cap, plan.maxInvocations));
      }
      return runner.invoke(invocation);
    },
  };
  return {
    campaignRunner,
    campaignExhausted: exhausted.signal,
    judge: (judge) => (observation, context) => {
      const findings = judge(observation, context);
      candidates.observe(context.case, observation, findings);
      return findings;
    },
    async finish(result, { sink, listener, signal }) {
      if (signal?.aborted === true || result.failure !== undefined) return result;
      let invocationId = 0;
      const checks = await runTimingChecks({
        candidates: candidates.pending(result.findings),
        shapes,
        // What the campaign left of the cap, up to the plan's share (throttled retries may have eaten into it).
        plan: { ...plan, maxInvocations: Math.min(plan.maxInvocations, cap - runner.invocations) },
        withPayload,
        signal,
        invoke: async (fuzzCase) => {
          const observation = await runner.invoke({ caseId: `timing-${++invocationId}`, event: fuzzCase.event });
          return observation.outcome.kind === 'transport-error' && observation.outcome.error.name === CAP_REACHED_ERROR ? undefined : observation;
        },
      });
      const findings = [...result.findings];
      for (const { finding, fuzzCase } of checks.findings) {
        const reported = toReported(`${finding.oracle}|${finding.signature}`, finding, fuzzCase, 1);
        const corpusFile = sink === undefined ? undefined : await sink.save(reported);
        const stored = { ...reported, corpusFile };
        findings.push(stored);
        safely(() => listener?.onFinding?.(stored, 'found'));
      }
      const skipped = checks.skipped > 0 ? `; ${checks.skipped} more left unchecked (the timing budget ran out)` : '';
      if (checks.checked > 0 || checks.skipped > 0) {
        safely(() => listener?.onNotice?.(`eventfuzz: timing checks: ${checks.checked} field(s) checked with ${checks.invocations} invocations, ${checks.findings.length} suggest a blind injection${skipped}`));
      }
      return {
        ...result,
        findings,
        stats: { ...result.stats, invocations: result.stats.invocations + checks.invocations, controlInvocations: result.stats.controlInvocations + checks.invocations },
      };
    },
  };
}

/** The answer to a campaign delivery past its share: the guard's own "cap reached", which no oracle reports. */
function notDelivered(caseId: string, cap: number, reserved: number): Observation {
  const error: SerializedError = {
    name: CAP_REACHED_ERROR,
    message: `Not delivered: the run reached its cap of ${cap} invocations less the ${reserved} kept for timing checks (raise it with --max-invocations, or --no-timing).`,
    stack: undefined,
    code: undefined,
    isError: true,
  };
  return { caseId, outcome: { kind: 'transport-error', error }, durationMs: 0, logs: [], effects: undefined, instance: 'remote' };
}

/**
 * Replays a stored timing finding: its case holds the largest dose of one sleeping shape, which the oracles alone
 * cannot judge (a slow answer is no finding), so the whole check runs again at that field with that shape
 * (screening, then the dose series) and the dose-response test decides as it did. `undefined` when the entry is
 * not a timing finding (its payload is no sleeping shape): the caller judges it as usual.
 */
export async function replayTimingFinding(
  runner: Runner,
  fuzzCase: FuzzCase,
  withPayload: (fuzzCase: FuzzCase, payload: string) => FuzzCase | undefined,
  options: Pick<TimingOptions, 'doses' | 'repeats'> = {},
): Promise<readonly Finding[] | undefined> {
  const shape = timingShapes().find((candidate) => candidate.id === fuzzCase.injection?.payloadId);
  if (shape === undefined || fuzzCase.injection === null) return undefined;
  // Checked as fuzz checks them; the budget is exactly one field's check.
  const asked = timingPlan({ ...options, maxInvocations: 0 }, Number.MAX_SAFE_INTEGER)!;
  const plan = { ...asked, maxInvocations: timingCheckCost(asked, [shape]) };
  // The family decides which shapes screen the field: the stored one alone.
  const candidate: FuzzCase = { ...fuzzCase, injection: { ...fuzzCase.injection, family: shape.family } };
  let sequence = 0;
  const result = await runTimingChecks({
    candidates: [candidate],
    shapes: [shape],
    plan,
    withPayload,
    invoke: async (variant) => {
      const observation = await runner.invoke({ caseId: `${fuzzCase.canary}-timing-${sequence++}`, event: variant.event });
      return observation.outcome.kind === 'transport-error' && observation.outcome.error.name === CAP_REACHED_ERROR ? undefined : observation;
    },
  });
  return result.findings.map((found) => found.finding);
}
