import type { Finding, FuzzCase, Observation } from '../core/index.js';
import type { DoseResponseCriteria, TimingSample } from './timing.js';
import { DEFAULT_DOSE_RESPONSE, decideDoseResponse, formatTimingTable, timingSchedule } from './timing.js';

/**
 * The timing check of a remote run: at a field where a command- or code-injection payload was sent and nothing
 * came back (the injection may be blind: it ran, its output went nowhere), re-send the same field with sleeping
 * twins of the payload shapes and let the dose-response test decide (src/engine/timing.ts). Its verdict is never
 * `confirmed`: durations are the target's to shape, so at most a `tainted` finding with the measured table.
 */

/** A sleeping twin of a payload shape (`;sleep N;: <token>`), rendered for a case's token and a dose in seconds. */
export interface TimingShape {
  /** The payload id (`ci-time-semicolon`), reported as the finding's payload. */
  readonly id: string;
  /** `command-injection` or `code-injection`: the family, and the oracle a finding is filed under. */
  readonly family: string;
  readonly render: (token: string, seconds: number) => string;
}

/** How much a run may spend on timing checks, and the doses they use. */
export interface TimingPlan {
  /** The non-zero doses in seconds (the zero dose is always added); default 0.5, 1 and 2. */
  readonly doses: readonly number[];
  /** Measurements of each dose, zero included (default 3). */
  readonly repeats: number;
  /** Invocations all timing checks of the run may use together. */
  readonly maxInvocations: number;
  readonly criteria?: DoseResponseCriteria | undefined;
}

export const DEFAULT_TIMING_DOSES: readonly number[] = Object.freeze([0.5, 1, 2]);
export const DEFAULT_TIMING_REPEATS = 3;

/**
 * A screening dose must add at least this share of itself over the zero-dose control before the full series is
 * sent: most fields do not slow down at all, and screening them costs one call per shape instead of a series.
 */
const SCREEN_SHARE = 0.6;

export interface TimingCheckOptions {
  /** One case per field and family where such a payload was sent and nothing came back, in the order seen. */
  readonly candidates: readonly FuzzCase[];
  readonly shapes: readonly TimingShape[];
  readonly plan: TimingPlan;
  /** The same case with another payload text at the same field (`withOtherPayload` in generators/). */
  readonly withPayload: (fuzzCase: FuzzCase, payload: string) => FuzzCase | undefined;
  /** Delivers one case; `undefined` when nothing was delivered (the cap reached, the runner failed). */
  readonly invoke: (fuzzCase: FuzzCase) => Promise<Observation | undefined>;
  readonly signal?: AbortSignal | undefined;
}

/** A timing finding and the case that shows it (the shape at the largest dose). */
export interface TimingFinding {
  readonly finding: Finding;
  readonly fuzzCase: FuzzCase;
}

export interface TimingCheckResult {
  readonly findings: readonly TimingFinding[];
  readonly invocations: number;
  /** Fields screened. */
  readonly checked: number;
  /** Fields left unchecked because the budget could not cover one more check (or the run stopped). */
  readonly skipped: number;
}

/** The most invocations one field's check can take: screening (a control and one call per shape) plus a series. */
export function timingCostPerField(plan: Pick<TimingPlan, 'doses' | 'repeats'>, shapes: number): { readonly screening: number; readonly series: number; readonly seriesSleepS: number } {
  const doses = [...new Set(plan.doses)].length;
  return { screening: 1 + shapes, series: (doses + 1) * plan.repeats, seriesSleepS: plan.repeats * [...new Set(plan.doses)].reduce((a, b) => a + b, 0) };
}

/**
 * Checks each candidate field in turn, one invocation at a time (parallel calls would share the target's time),
 * while the budget covers a whole check. Per field: the zero dose of the first shape, then each shape at the
 * largest dose until one is clearly slower (screening); for that shape the full series, `repeats` rounds over the
 * doses and zero, decided by `decideDoseResponse`.
 */
export async function runTimingChecks(options: TimingCheckOptions): Promise<TimingCheckResult> {
  const { plan, withPayload, signal } = options;
  const findings: TimingFinding[] = [];
  let invocations = 0;
  let checked = 0;
  let stopped = false;
  const doses = [...new Set(plan.doses)].sort((a, b) => a - b);
  const top = doses[doses.length - 1];
  const send = async (fuzzCase: FuzzCase, shape: TimingShape, seconds: number): Promise<{ variant: FuzzCase; observation: Observation } | undefined> => {
    if (stopped) return undefined;
    const variant = withPayload(fuzzCase, shape.render(fuzzCase.canary, seconds));
    if (variant === undefined || variant.injection === null) return undefined;
    if (signal?.aborted === true) {
      stopped = true;
      return undefined;
    }
    invocations++;
    const observation = await options.invoke(variant);
    // Not delivered, throttled or refused by the transport: no measurement, and no point going on with this field.
    if (observation === undefined || observation.outcome.kind === 'transport-error') {
      if (observation === undefined) stopped = true;
      return undefined;
    }
    return { variant: { ...variant, injection: { ...variant.injection, payloadId: shape.id } }, observation };
  };
  let index = 0;
  for (; index < options.candidates.length && top !== undefined && !stopped; index++) {
    const fuzzCase = options.candidates[index]!;
    const shapes = options.shapes.filter((shape) => shape.family === fuzzCase.injection?.family);
    if (shapes.length === 0) continue;
    const cost = timingCostPerField(plan, shapes.length);
    if (plan.maxInvocations - invocations < cost.screening + cost.series) break;
    checked++;
    const control = await send(fuzzCase, shapes[0]!, 0);
    if (control === undefined) continue;
    let slow: TimingShape | undefined;
    for (const shape of shapes) {
      const screened = await send(fuzzCase, shape, top);
      if (screened === undefined) continue;
      if (screened.observation.durationMs - control.observation.durationMs >= SCREEN_SHARE * top * 1000) {
        slow = shape;
        break;
      }
    }
    if (slow === undefined) continue;
    const found = await series(fuzzCase, slow, doses, send, options);
    if (found !== undefined) findings.push(found);
  }
  return { findings, invocations, checked, skipped: options.candidates.length - index };
}

async function series(
  fuzzCase: FuzzCase,
  shape: TimingShape,
  doses: readonly number[],
  send: (fuzzCase: FuzzCase, shape: TimingShape, seconds: number) => Promise<{ variant: FuzzCase; observation: Observation } | undefined>,
  options: TimingCheckOptions,
): Promise<TimingFinding | undefined> {
  const samples: TimingSample[] = [];
  let largest: FuzzCase | undefined;
  const schedule = timingSchedule([0, ...doses], options.plan.repeats);
  for (const [order, seconds] of schedule.entries()) {
    const sent = await send(fuzzCase, shape, seconds);
    if (sent === undefined) return undefined;
    samples.push({ doseS: seconds, durationMs: sent.observation.durationMs, order });
    if (seconds === doses[doses.length - 1]) largest = sent.variant;
  }
  const verdict = decideDoseResponse(samples, options.plan.criteria ?? DEFAULT_DOSE_RESPONSE);
  if (!verdict.slept || largest === undefined) return undefined;
  return { finding: timingFinding(shape, largest, verdict.slope, verdict.noiseMs, formatTimingTable(verdict.rows)), fuzzCase: largest };
}

/**
 * The finding a passed dose-response test gives: `tainted` (timing alone never confirms: a target's durations
 * are its own to shape), high, under the family's oracle and with the signature a remote marker finding at that
 * field has, so one field's injection is one finding whichever evidence showed it.
 */
export function timingFinding(shape: TimingShape, fuzzCase: FuzzCase, slope: number, noiseMs: number, table: string): Finding {
  const point = fuzzCase.injection?.point ?? 'event';
  const what = shape.family === 'code-injection' ? 'code injection' : 'command injection';
  return {
    oracle: shape.family,
    confidence: 'tainted',
    severity: 'high',
    title: `Timing suggests the payload ran: blind ${what} (remote)`,
    evidence: [
      `No evaluated marker came back from ${point}, but sleeping payloads (${shape.id}) made the invocations longer by about the sleep they asked for: ${slope.toFixed(2)} s per second of sleep, each step well clear of the noise (${Math.round(noiseMs)} ms). Largest dose sent: ${fuzzCase.injection?.payload ?? ''}`,
      table,
      `Timing is a secondary signal and never a confirmation on its own: confirm with the in-function probes (eventfuzz layer) or by reading the function's code.`,
    ].join('\n'),
    signature: `unprobed-sink@${point}`,
  };
}

