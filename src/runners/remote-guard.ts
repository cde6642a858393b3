import type { Observation, SerializedError } from '../core/index.js';
import type { Invocation, Runner } from './types.js';
import { HarnessError } from '../core/index.js';

export { checkMaxCost, estimateLambdaCost, formatCostLine } from './remote-cost.js';
export type { CostEstimate, LambdaCostInput } from './remote-cost.js';
export { looksLikeProduction } from './production-guard.js';

/** The limits a remote run keeps to, so a fuzzing campaign cannot run up a bill (denial of wallet) or flood a target. */
export interface RemoteCaps {
  /** Deliveries in total, retries of throttled ones included; past it every `invoke` is a `CapReachedError`. */
  readonly maxInvocations: number;
  /** Deliveries per second at most (a token bucket; halved on each throttle, recovering slowly). */
  readonly ratePerSecond: number;
  /** Deliveries in flight at once at most. */
  readonly concurrency: number;
}

/**
 * On by default; the user raises them explicitly (`--max-invocations`, `--rate`, `--concurrency`). Chosen so
 * that a default run against a real account is cheap and gentle: 500 invocations of a 1 GB function that always
 * runs into a 30 s timeout cost about $0.25 at on-demand x86 prices (500 × 30 GB-s × $0.0000166667), enough for
 * a first sweep of every payload family at a few fields; 10/s is far below the limits Lambda and API Gateway
 * throttle at by default (1,000 concurrent executions per account, 10,000 requests/s per API), so the run neither
 * trips throttling nor looks like a load spike; 4 in flight take at most 4 of the account's shared concurrent
 * executions, so other functions in the same account (maybe production) are not starved.
 */
export const DEFAULT_REMOTE_CAPS: RemoteCaps = Object.freeze({ maxInvocations: 500, ratePerSecond: 10, concurrency: 4 });

/** The error name remote runners give a throttled delivery (HTTP 429, Lambda `TooManyRequestsException`). */
export const THROTTLING_ERROR = 'ThrottlingError';
/** The error name of a delivery refused because `maxInvocations` was reached. */
export const CAP_REACHED_ERROR = 'CapReachedError';
/** The error name of a delivery not made because the run stopped while it waited for its turn. */
export const RUN_STOPPED_ERROR = 'RunStoppedError';

/** Tries per invocation while throttled, the first included; then the throttle is returned (never a finding). */
export const MAX_THROTTLE_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 10_000;
/**
 * The longest `Retry-After` the guard waits out (a minute): a server may ask for hours, and a fuzzing run that sits
 * still that long helps no one; past it the guard retries after this long, still at a halved rate.
 */
export const MAX_RETRY_AFTER_MS = 60_000;
/**
 * The rate never drops below this (deliveries per second): halving without a floor would make a long throttle
 * episode stall the run for minutes after the target recovered.
 */
const MIN_RATE = 0.1;
/** Additive increase: each unthrottled delivery wins back this share of the configured rate. */
const RECOVERY_SHARE = 0.05;

export interface RemoteGuardOptions {
  /** Called before each backoff wait of a throttled delivery (for a console note). */
  readonly onThrottle?: ((waitMs: number) => void) | undefined;
  /** Called once, when the first delivery is refused for the invocation cap: the caller stops the campaign. */
  readonly onExhausted?: (() => void) | undefined;
  /** Jitter source in [0, 1); tests pass a fixed one. */
  readonly random?: (() => number) | undefined;
  /** Waits `ms`, or less when `signal` aborts; tests pass one that advances a fake clock. */
  readonly sleep?: ((ms: number, signal: AbortSignal | undefined) => Promise<void>) | undefined;
  /**
   * The run's stop (Ctrl-C, a caller's abort): no wait of the guard outlasts it. A delivery cut short while waiting
   * for its turn is not made (a `RunStoppedError` transport error); a throttled one is returned as it is.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * The end of the run's time budget, in the clock of `now`: a throttled delivery's wait (its `Retry-After`, its
   * backoff) never reaches past it, and at it the throttle is returned instead of retried. Waits for the rate are
   * not cut by it: what runs after the budget (a finding's control) still keeps to the rate.
   */
  readonly deadline?: number | undefined;
  /** Milliseconds, monotonic; tests pass a fake clock. */
  readonly now?: (() => number) | undefined;
}

/** A runner behind caps, with the counts a report shows. */
export interface GuardedRunner extends Runner {
  /** Deliveries handed to the wrapped runner so far, throttled retries included. */
  readonly invocations: number;
  /** Deliveries the target throttled. */
  readonly throttled: number;
  /** True once an invocation was refused because the cap was reached. */
  readonly exhausted: boolean;
  /** The rate the bucket currently allows (after AIMD), deliveries per second. */
  readonly currentRate: number;
}

/**
 * Wraps a remote runner so it keeps to `caps`: at most `caps.concurrency` in flight (and `parallelism` says so),
 * a token-bucket rate, and never more than `maxInvocations` deliveries in all. A `ThrottlingError` outcome is
 * retried after an exponential backoff with full jitter (AWS's recommended scheme: the wait is uniform in
 * [0, min(cap, base·2^attempt)), so many clients do not retry in lockstep) and halves the rate (AIMD: multiplicative
 * decrease, slow additive recovery); after {@link MAX_THROTTLE_ATTEMPTS} it is returned as the transport error it
 * is, which no oracle reports. A throttle that says how long to wait (`retryAfterMs`, from HTTP `Retry-After`) is
 * waited out at least that long (at most {@link MAX_RETRY_AFTER_MS}), and no other delivery goes before then either:
 * the server asked the client, not one request, to hold off. Past the cap, `invoke` resolves to a `CapReachedError`
 * transport error without delivering anything.
 */
export function guardRemoteRunner(runner: Runner, caps: RemoteCaps, options: RemoteGuardOptions = {}): GuardedRunner {
  validateCaps(caps);
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? abortableSleep;
  const { signal } = options;
  // A function, not a narrowed property read: the signal can abort during any await.
  const stopped = (): boolean => signal?.aborted === true;
  let invocations = 0;
  let throttled = 0;
  let exhausted = false;
  let rate = caps.ratePerSecond;
  // Token bucket of capacity 1, as reservations: each delivery books the next free slot, 1/rate after the one
  // before, so waiting callers are served in order (none overtakes another between wake-ups) and there is no
  // burst above the rate, the conservative reading of "N per second".
  let nextSlot = Number.NEGATIVE_INFINITY;
  /** No delivery goes before this (the end of the latest `Retry-After`), even one whose slot was booked earlier. */
  let holdUntil = Number.NEGATIVE_INFINITY;
  let inFlight = 0;
  const waiting: (() => void)[] = [];

  /**
   * This delivery's turn: `true` at once when it is already due (no promise, no tick: the common case at an
   * unbinding rate), else a wait that resolves false when the run stopped during it.
   */
  const takeToken = (): true | Promise<boolean> => {
    const t = now();
    const slot = Math.max(t, nextSlot);
    nextSlot = slot + 1000 / rate;
    return slot <= t && t >= holdUntil ? true : waitForTurn(slot - t);
  };
  const waitForTurn = async (ms: number): Promise<boolean> => {
    if (ms > 0) {
      await sleep(ms, signal);
      if (stopped()) return false;
    }
    // A Retry-After that came back while this delivery waited holds it too.
    for (let at = now(); at < holdUntil; at = now()) {
      await sleep(holdUntil - at, signal);
      if (stopped()) return false;
    }
    return true;
  };
  const releaseSlot = (): void => {
    inFlight--;
    waiting.shift()?.();
  };

  const deliver = async (invocation: Invocation): Promise<Observation> => {
    for (let attempt = 0; ; attempt++) {
      // Checked after the wait for a token, with nothing awaited before the count goes up: deliveries that
      // waited side by side must not all pass a check made before their wait.
      if (invocations < caps.maxInvocations) {
        const turn = takeToken();
        if (turn !== true && !(await turn)) return runStopped(invocation);
      }
      if (invocations >= caps.maxInvocations) {
        if (!exhausted) {
          exhausted = true;
          options.onExhausted?.();
        }
        return capReached(invocation, caps.maxInvocations);
      }
      invocations++;
      const observation = await runner.invoke(invocation);
      if (!isThrottled(observation)) {
        rate = Math.min(caps.ratePerSecond, rate + caps.ratePerSecond * RECOVERY_SHARE);
        return observation;
      }
      throttled++;
      rate = Math.max(Math.min(MIN_RATE, caps.ratePerSecond), rate / 2);
      const left = options.deadline === undefined ? Number.POSITIVE_INFINITY : options.deadline - now();
      if (attempt + 1 >= MAX_THROTTLE_ATTEMPTS || stopped() || left <= 0) return observation;
      const backoffMs = Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt));
      const askedMs = retryAfterOf(observation);
      const wantedMs = askedMs === undefined ? backoffMs : Math.max(backoffMs, Math.min(askedMs, MAX_RETRY_AFTER_MS));
      // A wait the budget cannot hold is not waited: the throttle goes back now, the run ends on time.
      if (askedMs !== undefined && wantedMs > left) return observation;
      const waitMs = Math.min(wantedMs, left);
      // Every delivery waits for the end of it too, not only this retry.
      if (askedMs !== undefined) {
        holdUntil = Math.max(holdUntil, now() + waitMs);
        nextSlot = Math.max(nextSlot, holdUntil);
      }
      options.onThrottle?.(waitMs);
      await sleep(waitMs, signal);
      if (stopped()) return observation;
    }
  };

  return {
    kind: runner.kind,
    get parallelism() {
      return Math.max(1, Math.min(caps.concurrency, runner.parallelism));
    },
    get invocations() {
      return invocations;
    },
    get throttled() {
      return throttled;
    },
    get exhausted() {
      return exhausted;
    },
    get currentRate() {
      return rate;
    },
    start: () => runner.start(),
    close: () => runner.close(),
    async invoke(invocation) {
      // Inline, not an async helper: a free slot costs no promise and no tick.
      while (inFlight >= caps.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight++;
      try {
        return await deliver(invocation);
      } finally {
        releaseSlot();
      }
    },
  };
}

function isThrottled(observation: Observation): boolean {
  return observation.outcome.kind === 'transport-error' && observation.outcome.error.name === THROTTLING_ERROR;
}

/** The wait the target asked for, when it did (a finite, non-negative number of ms). */
function retryAfterOf(observation: Observation): number | undefined {
  const { outcome } = observation;
  const asked = outcome.kind === 'transport-error' ? outcome.retryAfterMs : undefined;
  return asked !== undefined && Number.isFinite(asked) && asked >= 0 ? asked : undefined;
}

/** `setTimeout` as a promise that settles early, and clears its timer, when `signal` aborts. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function runStopped(invocation: Invocation): Observation {
  const error: SerializedError = { name: RUN_STOPPED_ERROR, message: 'Not delivered: the run stopped while this delivery waited for its turn.', stack: undefined, code: undefined, isError: true };
  return { caseId: invocation.caseId, outcome: { kind: 'transport-error', error }, durationMs: 0, logs: [], effects: undefined, instance: 'remote' };
}

function capReached(invocation: Invocation, max: number): Observation {
  const error: SerializedError = {
    name: CAP_REACHED_ERROR,
    message: `Not delivered: the run reached its cap of ${max} invocations (raise it with --max-invocations).`,
    stack: undefined,
    code: undefined,
    isError: true,
  };
  return { caseId: invocation.caseId, outcome: { kind: 'transport-error', error }, durationMs: 0, logs: [], effects: undefined, instance: 'remote' };
}

function validateCaps(caps: RemoteCaps): void {
  const ok = Number.isInteger(caps.maxInvocations) && caps.maxInvocations >= 0 && caps.ratePerSecond > 0 && Number.isFinite(caps.ratePerSecond) && Number.isInteger(caps.concurrency) && caps.concurrency >= 1;
  if (!ok) throw new HarnessError('EFZ_USAGE', `Invalid remote caps ${JSON.stringify(caps)}: maxInvocations ≥ 0 and concurrency ≥ 1 are integers, ratePerSecond > 0.`);
}
