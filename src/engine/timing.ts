/**
 * The dose-response test of a timing check (issue 9: "sleep-based timing only as a secondary signal,
 * dose-response over several delays, never alone"). A payload that sleeps `d` seconds, if it runs, makes the
 * invocation about `d` seconds longer; a handler that is merely slow, slows down over time or has random latency
 * does not grow with the dose. Pure: the measurements in, a verdict out, so it is tested on synthetic tables.
 */

/** One timed invocation of a timing check. */
export interface TimingSample {
  /** The delay the payload asked for, in seconds; 0 for the zero-dose control (the same payload sleeping 0 s). */
  readonly doseS: number;
  /** How long the invocation took: the handler's own Duration when the runner reported one, else wall time. */
  readonly durationMs: number;
  /** Position in send order, 0 first: what tells drift over time from growth with the dose. */
  readonly order: number;
}

/** The measurements of one dose, for the verdict and the evidence table. */
export interface DoseRow {
  readonly doseS: number;
  /** In send order. */
  readonly durationsMs: readonly number[];
  readonly medianMs: number;
}

/** Thresholds of the test; the defaults are what a report relies on, tests may tighten or loosen them. */
export interface DoseResponseCriteria {
  /** Measurements each dose needs, the zero dose included. */
  readonly minRepeats: number;
  /** Distinct non-zero doses needed: two points always make a line, three can refuse to. */
  readonly minDoses: number;
  /** Seconds of duration per second of dose the fitted line may have: a sleep adds its own length. */
  readonly slope: readonly [low: number, high: number];
  /** Each step between adjacent doses must add at least this share of the dose difference. */
  readonly minStepShare: number;
  /** Each step must also stand this many noise widths above the one before ("well outside the spread"). */
  readonly separation: number;
  /** The noise width never counts as less than this (ms): a handler that answers in exactly 3 ms is not noise-free. */
  readonly noiseFloorMs: number;
  /** Above this |correlation| between dose and send order, a drift over time could pass for a dose effect. */
  readonly maxOrderCorrelation: number;
  /** Measurements that may lie closer to another dose's level than to their own (one outlier). */
  readonly maxMisplaced: number;
}

export const DEFAULT_DOSE_RESPONSE: DoseResponseCriteria = Object.freeze({
  minRepeats: 2,
  minDoses: 3,
  slope: [0.8, 1.3] as const,
  minStepShare: 0.5,
  separation: 5,
  noiseFloorMs: 5,
  maxOrderCorrelation: 0.3,
  maxMisplaced: 1,
});

/** What the measurements say. `slept` only when every criterion holds; otherwise the first one that failed. */
export type DoseResponseVerdict =
  | {
      readonly slept: true;
      /** Seconds of duration added per second of dose (about 1). */
      readonly slope: number;
      /** The fitted duration at dose 0. */
      readonly interceptMs: number;
      /** The robust noise width the steps were compared with. */
      readonly noiseMs: number;
      readonly rows: readonly DoseRow[];
    }
  | { readonly slept: false; readonly reason: string; readonly rows: readonly DoseRow[] };

/**
 * Decides whether durations grow with the dose the way a sleep that ran makes them grow. All of these must hold:
 * 1. a zero dose and at least `minDoses` others, each measured `minRepeats` times;
 * 2. dose and send order are not correlated (else a handler slowing down over time mimics the effect);
 * 3. the per-dose medians rise at every step by at least `minStepShare` of the dose difference, monotonically;
 * 4. the least-squares line through the medians has a slope in `slope` (about 1 s per second of sleep);
 * 5. every step stands `separation` noise widths clear, the noise being the robust spread (1.4826 × median absolute
 *    deviation) of all measurements around that line and of the zero dose, never below `noiseFloorMs`;
 * 6. at most `maxMisplaced` measurements lie nearer another dose's fitted level than their own.
 * Medians and the median absolute deviation keep one outlier from deciding anything; the order of `samples` does
 * not matter (only `order` does).
 */
export function decideDoseResponse(samples: readonly TimingSample[], criteria: DoseResponseCriteria = DEFAULT_DOSE_RESPONSE): DoseResponseVerdict {
  const rows = doseRows(samples);
  const no = (reason: string): DoseResponseVerdict => ({ slept: false, reason, rows });
  if (samples.some((s) => !Number.isFinite(s.doseS) || s.doseS < 0 || !Number.isFinite(s.durationMs) || s.durationMs < 0)) return no('a measurement is not a finite, non-negative number');
  const zero = rows[0];
  if (zero === undefined || zero.doseS !== 0) return no('no zero-dose control was measured');
  const doses = rows.length - 1;
  if (doses < criteria.minDoses) return no(`${doses} non-zero dose(s) measured, ${criteria.minDoses} needed`);
  const thin = rows.find((row) => row.durationsMs.length < criteria.minRepeats);
  if (thin !== undefined) return no(`dose ${formatSeconds(thin.doseS)} was measured ${thin.durationsMs.length} time(s), ${criteria.minRepeats} needed`);
  const orderCorrelation = correlation(samples.map((s) => s.doseS), samples.map((s) => s.order));
  if (!(Math.abs(orderCorrelation) <= criteria.maxOrderCorrelation)) {
    return no(`dose and send order are correlated (${orderCorrelation.toFixed(2)}): a drift over time cannot be told from the dose`);
  }
  for (let i = 1; i < rows.length; i++) {
    const [before, after] = [rows[i - 1]!, rows[i]!];
    const stepMs = after.medianMs - before.medianMs;
    if (stepMs < criteria.minStepShare * (after.doseS - before.doseS) * 1000) {
      return no(`durations do not grow with the dose: ${formatSeconds(before.doseS)} → ${formatSeconds(after.doseS)} changed the median by ${Math.round(stepMs)} ms`);
    }
  }
  const { slope, interceptMs } = leastSquares(rows.map((row) => [row.doseS * 1000, row.medianMs] as const));
  if (!(slope >= criteria.slope[0] && slope <= criteria.slope[1])) {
    return no(`the durations grow by ${slope.toFixed(2)} s per second of sleep, not about 1 (${criteria.slope[0]}-${criteria.slope[1]})`);
  }
  const level = (doseS: number): number => interceptMs + slope * doseS * 1000;
  const residualMs = samples.map((s) => s.durationMs - level(s.doseS));
  const noiseMs = Math.max(criteria.noiseFloorMs, robustSpread(residualMs), robustSpread(zero.durationsMs));
  for (let i = 1; i < rows.length; i++) {
    const stepMs = rows[i]!.medianMs - rows[i - 1]!.medianMs;
    if (stepMs < criteria.separation * noiseMs) {
      return no(`the step to ${formatSeconds(rows[i]!.doseS)} (${Math.round(stepMs)} ms) is within ${criteria.separation}× the noise (${Math.round(noiseMs)} ms)`);
    }
  }
  const misplaced = samples.filter((s) => nearestDose(rows, level, s.durationMs) !== s.doseS).length;
  if (misplaced > criteria.maxMisplaced) return no(`${misplaced} measurements lie nearer another dose's level than their own`);
  return { slept: true, slope, interceptMs, noiseMs, rows };
}

/**
 * The send order of a timing check: `repeats` rounds over `doses` (the zero dose included), alternately ascending
 * and descending, so no dose is always early or late and a drift over time adds about as much to each dose
 * (correlation 0 for an even number of rounds, about 0.1 for three).
 */
export function timingSchedule(doses: readonly number[], repeats: number): readonly number[] {
  const ascending = [...new Set(doses)].sort((a, b) => a - b);
  const descending = [...ascending].reverse();
  const order: number[] = [];
  for (let round = 0; round < repeats; round++) order.push(...(round % 2 === 0 ? ascending : descending));
  return order;
}

/** The measurements as a table for a finding's evidence: one line per dose, durations in send order. */
export function formatTimingTable(rows: readonly DoseRow[]): string {
  const lines = rows.map((row) => `  sleep ${formatSeconds(row.doseS).padStart(6)}: median ${String(Math.round(row.medianMs)).padStart(6)} ms  (${row.durationsMs.map((ms) => Math.round(ms)).join(', ')} ms)`);
  return ['Durations by dose (median, then every measurement in send order):', ...lines].join('\n');
}

/** `0.5 s`, `2 s`, `0.125 s`. */
export function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(3))} s`;
}

function doseRows(samples: readonly TimingSample[]): DoseRow[] {
  const byDose = new Map<number, TimingSample[]>();
  for (const sample of samples) byDose.set(sample.doseS, [...(byDose.get(sample.doseS) ?? []), sample]);
  return [...byDose.entries()]
    .sort(([a], [b]) => a - b)
    .map(([doseS, list]) => {
      const durationsMs = [...list].sort((a, b) => a.order - b.order).map((s) => s.durationMs);
      return { doseS, durationsMs, medianMs: median(durationsMs) };
    });
}

function nearestDose(rows: readonly DoseRow[], level: (doseS: number) => number, durationMs: number): number {
  let best = rows[0]!.doseS;
  for (const row of rows) if (Math.abs(durationMs - level(row.doseS)) < Math.abs(durationMs - level(best))) best = row.doseS;
  return best;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** 1.4826 × the median absolute deviation: the standard deviation for normal noise, unmoved by one outlier. */
function robustSpread(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const center = median(values);
  return 1.4826 * median(values.map((v) => Math.abs(v - center)));
}

function leastSquares(points: readonly (readonly [number, number])[]): { slope: number; interceptMs: number } {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, interceptMs: my - slope * mx };
}

/** Pearson correlation; 0 when either side does not vary. */
function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}
