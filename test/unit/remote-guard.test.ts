import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/core/index.js';
import type { Invocation, Runner } from '../../src/runners/types.js';
import { CAP_REACHED_ERROR, DEFAULT_REMOTE_CAPS, MAX_RETRY_AFTER_MS, MAX_THROTTLE_ATTEMPTS, RUN_STOPPED_ERROR, THROTTLING_ERROR, guardRemoteRunner } from '../../src/runners/remote-guard.js';
import { observation } from '../helpers/observation.js';

const throttledObservation: Observation = observation({
  outcome: { kind: 'transport-error', error: { name: THROTTLING_ERROR, message: 'HTTP 429', stack: undefined, code: undefined, isError: true } },
  effects: undefined,
});
const okObservation: Observation = observation({ effects: undefined });

/** A remote runner that answers from a script (`throttle` for the first n deliveries) and records when each came. */
function scriptedRunner(clock: { t: number }, throttleFirst = 0, parallelism = 16) {
  const deliveries: number[] = [];
  const runner: Runner = {
    kind: 'http',
    parallelism,
    start: async () => undefined,
    close: async () => undefined,
    invoke: async (_: Invocation) => {
      deliveries.push(clock.t);
      return deliveries.length <= throttleFirst ? throttledObservation : okObservation;
    },
  };
  return { runner, deliveries };
}

/**
 * No real waiting in unit tests: a fake clock with timers. `sleep` books a wake-up; whenever nothing else can run,
 * the clock jumps to the earliest booked wake-up (so concurrent sleeps overlap, as real ones do).
 */
function fakeTime() {
  const clock = { t: 0 };
  const timers: { at: number; wake: () => void }[] = [];
  const sleep = (ms: number) => new Promise<void>((wake) => timers.push({ at: clock.t + ms, wake }));
  const idle = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** Drives the timers until `work` settles. */
  const run = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const settled = work.finally(() => (done = true));
    while (!done) {
      await idle();
      if (done || timers.length === 0) continue;
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift()!;
      clock.t = Math.max(clock.t, next.at);
      next.wake();
    }
    return settled;
  };
  return { clock, now: () => clock.t, sleep, run };
}

const invocation = (n: number): Invocation => ({ caseId: String(n), event: {} });

describe('guardRemoteRunner', () => {
  it('defaults are on and conservative', () => {
    expect(DEFAULT_REMOTE_CAPS).toEqual({ maxInvocations: 500, ratePerSecond: 10, concurrency: 4 });
  });

  it('parallelism is the smaller of the cap and the runner', () => {
    const time = fakeTime();
    expect(guardRemoteRunner(scriptedRunner(time.clock, 0, 32).runner, { ...DEFAULT_REMOTE_CAPS, concurrency: 4 }).parallelism).toBe(4);
    expect(guardRemoteRunner(scriptedRunner(time.clock, 0, 2).runner, { ...DEFAULT_REMOTE_CAPS, concurrency: 4 }).parallelism).toBe(2);
  });

  it('never delivers more than maxInvocations; past it invoke is a CapReachedError and onExhausted fires once', async () => {
    const time = fakeTime();
    const { runner, deliveries } = scriptedRunner(time.clock);
    let exhaustedCalls = 0;
    const guarded = guardRemoteRunner(runner, { maxInvocations: 3, ratePerSecond: 100, concurrency: 1 }, { ...time, onExhausted: () => exhaustedCalls++ });
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push((await time.run(guarded.invoke(invocation(i)))).outcome);
    expect(deliveries).toHaveLength(3);
    expect(outcomes.slice(3).map((o) => o.kind === 'transport-error' && o.error.name)).toEqual([CAP_REACHED_ERROR, CAP_REACHED_ERROR]);
    expect(guarded.exhausted).toBe(true);
    expect(guarded.invocations).toBe(3);
    expect(exhaustedCalls).toBe(1);
  });

  it('holds the cap for deliveries launched side by side, which all wait for the rate before they go', async () => {
    const time = fakeTime();
    const { runner, deliveries } = scriptedRunner(time.clock);
    const guarded = guardRemoteRunner(runner, { maxInvocations: 5, ratePerSecond: 10, concurrency: 4 }, time);
    const all = Array.from({ length: 20 }, (_, i) => guarded.invoke(invocation(i)));
    const outcomes = await time.run(Promise.all(all));
    expect(deliveries).toHaveLength(5);
    expect(outcomes.filter((o) => o.outcome.kind === 'transport-error')).toHaveLength(15);
  });

  it('counts throttled retries against the cap', async () => {
    const time = fakeTime();
    const { runner, deliveries } = scriptedRunner(time.clock, 2);
    const guarded = guardRemoteRunner(runner, { maxInvocations: 3, ratePerSecond: 100, concurrency: 1 }, { ...time, random: () => 0.5 });
    expect((await time.run(guarded.invoke(invocation(1)))).outcome.kind).toBe('returned');
    const second = await time.run(guarded.invoke(invocation(2)));
    expect(second.outcome.kind === 'transport-error' && second.outcome.error.name).toBe(CAP_REACHED_ERROR);
    expect(deliveries).toHaveLength(3);
    expect(guarded.throttled).toBe(2);
  });

  it('retries a throttle with exponential full-jitter backoff, a bounded number of times, then returns it', async () => {
    const time = fakeTime();
    const { runner, deliveries } = scriptedRunner(time.clock, Number.POSITIVE_INFINITY);
    const backoffs: number[] = [];
    const guarded = guardRemoteRunner(runner, { maxInvocations: 100, ratePerSecond: 1000, concurrency: 1 }, { ...time, random: () => 0.5, onThrottle: (ms) => backoffs.push(ms) });
    const result = await time.run(guarded.invoke(invocation(1)));
    expect(deliveries).toHaveLength(MAX_THROTTLE_ATTEMPTS);
    expect(result.outcome.kind === 'transport-error' && result.outcome.error.name).toBe(THROTTLING_ERROR);
    // half of 200·2^k: uniform jitter over a doubling window
    expect(backoffs).toEqual([100, 200, 400, 800]);
  });

  it('full jitter: the wait is drawn from [0, window), so random 0 retries at once', async () => {
    const time = fakeTime();
    const backoffs: number[] = [];
    const guarded = guardRemoteRunner(scriptedRunner(time.clock, 2).runner, { maxInvocations: 100, ratePerSecond: 1000, concurrency: 1 }, { ...time, random: () => 0, onThrottle: (ms) => backoffs.push(ms) });
    await time.run(guarded.invoke(invocation(1)));
    expect(backoffs).toEqual([0, 0]);
  });

  it('keeps to the rate: deliveries are at least 1/rate apart', async () => {
    const time = fakeTime();
    const { runner, deliveries } = scriptedRunner(time.clock);
    const guarded = guardRemoteRunner(runner, { maxInvocations: 100, ratePerSecond: 2, concurrency: 4 }, time);
    await time.run(Promise.all([1, 2, 3, 4, 5].map((n) => guarded.invoke(invocation(n)))));
    expect(deliveries).toHaveLength(5);
    for (let i = 1; i < deliveries.length; i++) expect(deliveries[i]! - deliveries[i - 1]!).toBeGreaterThanOrEqual(500);
  });

  it('halves the rate on a throttle and wins it back slowly (AIMD)', async () => {
    const time = fakeTime();
    const guarded = guardRemoteRunner(scriptedRunner(time.clock, 1).runner, { maxInvocations: 100, ratePerSecond: 10, concurrency: 1 }, { ...time, random: () => 0 });
    await time.run(guarded.invoke(invocation(1))); // one throttle, then a success
    expect(guarded.currentRate).toBeCloseTo(5.5); // 10 / 2, + 5 % of 10
    for (let i = 0; i < 8; i++) await time.run(guarded.invoke(invocation(i)));
    expect(guarded.currentRate).toBeCloseTo(9.5); // additive: half a delivery per second per success
    await time.run(guarded.invoke(invocation(9)));
    expect(guarded.currentRate).toBe(10);
  });

  it('a throttled target makes the same work take longer', async () => {
    const elapsed = async (throttleFirst: number): Promise<number> => {
      const time = fakeTime();
      const guarded = guardRemoteRunner(scriptedRunner(time.clock, throttleFirst).runner, { maxInvocations: 100, ratePerSecond: 10, concurrency: 1 }, { ...time, random: () => 0 });
      for (let i = 0; i < 10; i++) await time.run(guarded.invoke(invocation(i)));
      return time.clock.t;
    };
    expect(await elapsed(3)).toBeGreaterThan(await elapsed(0));
  });

  it('holds at most `concurrency` deliveries in flight, whatever the caller launches', async () => {
    let inFlight = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const runner: Runner = {
      kind: 'lambda',
      parallelism: 64,
      start: async () => undefined,
      close: async () => undefined,
      invoke: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight--;
        return okObservation;
      },
    };
    const guarded = guardRemoteRunner(runner, { maxInvocations: 100, ratePerSecond: 1e6, concurrency: 2 });
    const all = Promise.all(Array.from({ length: 6 }, (_, n) => guarded.invoke(invocation(n))));
    for (let settled = 0; settled < 6; settled++) {
      while (releases.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      releases.shift()!();
    }
    await all;
    expect(most).toBe(2);
  });

  it('refuses caps that cannot be kept', () => {
    const time = fakeTime();
    expect(() => guardRemoteRunner(scriptedRunner(time.clock).runner, { maxInvocations: 10, ratePerSecond: 0, concurrency: 1 })).toThrow(/Invalid remote caps/);
    expect(() => guardRemoteRunner(scriptedRunner(time.clock).runner, { maxInvocations: 10, ratePerSecond: 1, concurrency: 0 })).toThrow(/Invalid remote caps/);
  });
});

/** A throttle that says how long to wait, as the HTTP runner reports a `Retry-After`. */
const askingToWait = (retryAfterMs: number): Observation => ({ ...throttledObservation, outcome: { ...throttledObservation.outcome, retryAfterMs } as Observation['outcome'] });

/** Like scriptedRunner, but the first `throttleFirst` deliveries answer `answer`. */
function askingRunner(clock: { t: number }, answer: Observation, throttleFirst = 1) {
  const deliveries: number[] = [];
  const runner: Runner = {
    kind: 'http',
    parallelism: 16,
    start: async () => undefined,
    close: async () => undefined,
    invoke: async () => {
      deliveries.push(clock.t);
      return deliveries.length <= throttleFirst ? answer : okObservation;
    },
  };
  return { runner, deliveries };
}

describe('guardRemoteRunner and Retry-After', () => {
  const caps = { maxInvocations: 100, ratePerSecond: 1000, concurrency: 4 };

  it('waits at least as long as the target asked, though its own backoff would retry at once', async () => {
    const time = fakeTime();
    const { runner, deliveries } = askingRunner(time.clock, askingToWait(5000));
    const waits: number[] = [];
    const guarded = guardRemoteRunner(runner, caps, { ...time, random: () => 0, onThrottle: (ms) => waits.push(ms) });
    const result = await time.run(guarded.invoke(invocation(1)));
    expect(result.outcome.kind).toBe('returned');
    expect(waits).toEqual([5000]);
    expect(deliveries[1]! - deliveries[0]!).toBeGreaterThanOrEqual(5000);
  });

  it('its own backoff wins when it is the longer wait', async () => {
    const time = fakeTime();
    const waits: number[] = [];
    const guarded = guardRemoteRunner(askingRunner(time.clock, askingToWait(10)).runner, caps, { ...time, random: () => 0.5, onThrottle: (ms) => waits.push(ms) });
    await time.run(guarded.invoke(invocation(1)));
    expect(waits).toEqual([100]);
  });

  it(`waits at most ${MAX_RETRY_AFTER_MS} ms, whatever the target asks`, async () => {
    const time = fakeTime();
    const { runner, deliveries } = askingRunner(time.clock, askingToWait(3_600_000));
    const guarded = guardRemoteRunner(runner, caps, { ...time, random: () => 0 });
    await time.run(guarded.invoke(invocation(1)));
    expect(deliveries).toEqual([0, MAX_RETRY_AFTER_MS]);
  });

  it('holds every delivery until then, also one that had booked its turn before the throttle came back', async () => {
    const time = fakeTime();
    const { runner, deliveries } = askingRunner(time.clock, askingToWait(5000));
    // 10/s: the second delivery has its turn at 100 ms, long before the first one's Retry-After ends.
    const guarded = guardRemoteRunner(runner, { ...caps, ratePerSecond: 10 }, { ...time, random: () => 0 });
    await time.run(Promise.all([guarded.invoke(invocation(1)), guarded.invoke(invocation(2))]));
    expect(deliveries).toHaveLength(3);
    expect(deliveries[0]).toBe(0);
    for (const later of deliveries.slice(1)) expect(later).toBeGreaterThanOrEqual(5000);
  });

  it("never waits past the run's deadline: a Retry-After it cannot hold returns the throttle at once", async () => {
    const time = fakeTime();
    const { runner, deliveries } = askingRunner(time.clock, askingToWait(5000));
    const guarded = guardRemoteRunner(runner, caps, { ...time, random: () => 0, deadline: 2000 });
    const result = await time.run(guarded.invoke(invocation(1)));
    expect(result.outcome.kind === 'transport-error' && result.outcome.error.name).toBe(THROTTLING_ERROR);
    expect(deliveries).toEqual([0]);
    expect(time.clock.t).toBe(0);
  });

  it('a Retry-After within the deadline is waited out as usual', async () => {
    const time = fakeTime();
    const { runner, deliveries } = askingRunner(time.clock, askingToWait(5000));
    const guarded = guardRemoteRunner(runner, caps, { ...time, random: () => 0, deadline: 10_000 });
    expect((await time.run(guarded.invoke(invocation(1)))).outcome.kind).toBe('returned');
    expect(deliveries).toEqual([0, 5000]);
  });

  it("the run's abort ends a Retry-After wait: the throttle comes back, nothing more is delivered", async () => {
    // Real timers: the guard's own sleep. Without the abort this would wait a minute (and the test time out).
    const { runner, deliveries } = askingRunner({ t: 0 }, askingToWait(MAX_RETRY_AFTER_MS), Number.POSITIVE_INFINITY);
    const stop = new AbortController();
    const guarded = guardRemoteRunner(runner, caps, { random: () => 0, signal: stop.signal, onThrottle: () => setTimeout(() => stop.abort(), 20) });
    const result = await guarded.invoke(invocation(1));
    expect(result.outcome.kind === 'transport-error' && result.outcome.error.name).toBe(THROTTLING_ERROR);
    expect(deliveries).toHaveLength(1);
  });

  it("the run's abort ends a wait for the rate: that delivery is not made (RunStoppedError)", async () => {
    const { runner, deliveries } = askingRunner({ t: 0 }, okObservation, 0);
    const stop = new AbortController();
    // 1 per minute: the second delivery's turn is a minute away.
    const guarded = guardRemoteRunner(runner, { ...caps, ratePerSecond: 1 / 60 }, { signal: stop.signal });
    await guarded.invoke(invocation(1));
    const second = guarded.invoke(invocation(2));
    setTimeout(() => stop.abort(), 20);
    const result = await second;
    expect(result.outcome.kind === 'transport-error' && result.outcome.error.name).toBe(RUN_STOPPED_ERROR);
    expect(deliveries).toHaveLength(1);
  });
});
