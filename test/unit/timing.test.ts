import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimingSample } from '../../src/engine/timing.js';
import { decideDoseResponse, formatTimingTable, timingSchedule } from '../../src/engine/timing.js';

// The dose-response decision on synthetic measurements. No clock anywhere: every "duration" is a number these
// tests make up, so each verdict is deterministic by construction.

const DOSES = [0, 0.5, 1, 2];
const SCHEDULE = timingSchedule(DOSES, 3);

/** A seeded uniform [0, 1) source (mulberry32): the same table every run. */
function uniform(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Measures the schedule with `duration(dose, order)`. */
function measure(duration: (doseS: number, order: number) => number, schedule: readonly number[] = SCHEDULE): TimingSample[] {
  return schedule.map((doseS, order) => ({ doseS, order, durationMs: duration(doseS, order) }));
}

/** A handler whose payload sleeps: its own work (40 ms ± jitter) plus the dose. */
const sleeper = (jitterMs: number, seed = 1) => {
  const random = uniform(seed);
  return (doseS: number) => 40 + doseS * 1000 + random() * jitterMs;
};

describe('timingSchedule', () => {
  it('sends every dose once per round, alternately ascending and descending', () => {
    expect(timingSchedule([1, 0, 0.5], 3)).toEqual([0, 0.5, 1, 1, 0.5, 0, 0, 0.5, 1]);
  });
});

describe('decideDoseResponse', () => {
  it('a payload that sleeps: durations grow by about 1 s per second of dose, well clear of the jitter', () => {
    const verdict = decideDoseResponse(measure(sleeper(20)));
    expect(verdict.slept, JSON.stringify(verdict)).toBe(true);
    if (verdict.slept) expect(verdict.slope).toBeCloseTo(1, 1);
  });

  it('a constantly slow handler (a fixed 1 s delay) does not grow with the dose', () => {
    const random = uniform(2);
    const verdict = decideDoseResponse(measure(() => 1000 + random() * 30));
    expect(verdict).toMatchObject({ slept: false, reason: expect.stringMatching(/do not grow with the dose/) });
  });

  it('noisy baselines: random latency of many shapes and scales never passes (2,000 tables)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom('uniform', 'exponential', 'bimodal'), fc.constantFrom(10, 100, 500, 2000, 5000), (seed, shape, scaleMs) => {
        const random = uniform(seed);
        const draw = (): number => (shape === 'uniform' ? random() * scaleMs : shape === 'exponential' ? -Math.log(1 - random()) * scaleMs : random() < 0.5 ? 20 : scaleMs);
        expect(decideDoseResponse(measure(() => 30 + draw())).slept).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('a handler that slows down over time: no effect with the balanced order, and refused when dose follows time', () => {
    expect(decideDoseResponse(measure((_dose, order) => 50 + 120 * order)).slept).toBe(false);
    // Sent dose by dose in ascending order, a drift of ~330 ms per call would look exactly like a sleep.
    const ascending = [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1, 2, 2, 2];
    const drift = decideDoseResponse(measure((_dose, order) => 50 + [0, 0, 0, 500, 500, 500, 1000, 1000, 1000, 2000, 2000, 2000][order]!, ascending));
    expect(drift).toMatchObject({ slept: false, reason: expect.stringMatching(/correlated/) });
  });

  it('out-of-order measurements (completion jitter, any array order) give the same verdict', () => {
    const samples = measure(sleeper(25, 7));
    const shuffled = [...samples].sort((a, b) => ((a.order * 7919) % 13) - ((b.order * 7919) % 13));
    expect(shuffled).not.toEqual(samples);
    expect(decideDoseResponse(shuffled)).toEqual(decideDoseResponse(samples));
    expect(decideDoseResponse(shuffled).slept).toBe(true);
  });

  it('one outlier neither makes noise pass nor hides a real sleep', () => {
    const random = uniform(3);
    const quietWithSpike = measure((doseS, order) => (doseS === 2 && order === 3 ? 2_500 : 40 + random() * 20));
    expect(decideDoseResponse(quietWithSpike).slept).toBe(false);
    const sleep = sleeper(20, 4);
    const sleepingWithColdStart = measure((doseS, order) => (order === 0 ? 3_000 : sleep(doseS)));
    expect(decideDoseResponse(sleepingWithColdStart).slept).toBe(true);
    const sleepingWithTwoSpikes = measure((doseS, order) => (order === 0 || order === 5 ? 3_000 : sleep(doseS)));
    expect(decideDoseResponse(sleepingWithTwoSpikes).slept).toBe(false);
  });

  it('a slope far from 1 s per second is no sleep of that length', () => {
    expect(decideDoseResponse(measure((doseS) => 40 + doseS * 400)).slept).toBe(false);
    expect(decideDoseResponse(measure((doseS) => 40 + doseS * 3000)).slept).toBe(false);
  });

  it('steps lost in the noise do not pass, even when the medians line up', () => {
    const random = uniform(5);
    // 1 s per second on average, but each measurement ±400 ms: the 0 → 0.5 s step is within the spread.
    expect(decideDoseResponse(measure((doseS) => 400 + doseS * 1000 + (random() - 0.5) * 800)).slept).toBe(false);
  });

  it('medians on the line but a spread too wide to tell the steps apart (±200 ms around 0.5 s steps) do not pass', () => {
    // Every dose measured at its level, 200 ms below and 200 ms above: slope exactly 1, no measurement nearer
    // another dose, but the noise width (~300 ms) leaves the 500 ms steps within five widths.
    const spread = [-200, 0, 200];
    const seen = new Map<number, number>();
    const verdict = decideDoseResponse(measure((doseS) => {
      const k = seen.get(doseS) ?? 0;
      seen.set(doseS, k + 1);
      return 300 + doseS * 1000 + spread[k]!;
    }));
    expect(verdict).toMatchObject({ slept: false, reason: expect.stringMatching(/within 5× the noise/) });
  });

  it('refuses to decide on too little: no zero dose, one measurement per dose, two doses', () => {
    expect(decideDoseResponse(measure(sleeper(10), timingSchedule([0.5, 1, 2], 3)))).toMatchObject({ slept: false, reason: expect.stringMatching(/zero-dose/) });
    expect(decideDoseResponse(measure(sleeper(10), timingSchedule(DOSES, 1)))).toMatchObject({ slept: false, reason: expect.stringMatching(/measured 1 time/) });
    expect(decideDoseResponse(measure(sleeper(10), timingSchedule([0, 1, 2], 2)))).toMatchObject({ slept: false, reason: expect.stringMatching(/2 non-zero/) });
    expect(decideDoseResponse([{ doseS: 0, durationMs: Number.NaN, order: 0 }]).slept).toBe(false);
  });

  it('the table shows every dose with its median and its measurements in send order', () => {
    const verdict = decideDoseResponse(measure((doseS, order) => 40 + doseS * 1000 + order));
    expect(formatTimingTable(verdict.rows)).toContain('sleep  0.5 s: median    546 ms  (541, 546, 549 ms)');
  });
});
