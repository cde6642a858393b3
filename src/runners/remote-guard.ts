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

/** Tries per invocation while throttled, the first included; then the throttle is returned (never a finding). */
export const MAX_THROTTLE_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 10_000;
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
  /** Waits `ms`; tests pass one that advances a fake clock. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
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
 * is, which no oracle reports. Past the cap, `invoke` resolves to a `CapReachedError` transport error without
 * delivering anything.
 */
export function guardRemoteRunner(runner: Runner, caps: RemoteCaps, options: RemoteGuardOptions = {}): GuardedRunner {
  validateCaps(caps);
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let invocations = 0;
  let throttled = 0;
  let exhausted = false;
  let rate = caps.ratePerSecond;
  // Token bucket of capacity 1, as reservations: each delivery books the next free slot, 1/rate after the one
  // before, so waiting callers are served in order (none overtakes another between wake-ups) and there is no
  // burst above the rate, the conservative reading of "N per second".
  let nextSlot = Number.NEGATIVE_INFINITY;
  let inFlight = 0;
  const waiting: (() => void)[] = [];

  const takeToken = async (): Promise<void> => {
    const t = now();
    const slot = Math.max(t, nextSlot);
    nextSlot = slot + 1000 / rate;
    if (slot > t) await sleep(slot - t);
  };
  const acquireSlot = async (): Promise<void> => {
    while (inFlight >= caps.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight++;
  };
  const releaseSlot = (): void => {
    inFlight--;
    waiting.shift()?.();
  };

  const deliver = async (invocation: Invocation): Promise<Observation> => {
    for (let attempt = 0; ; attempt++) {
      // Checked after the wait for a token, with nothing awaited before the count goes up: deliveries that
      // waited side by side must not all pass a check made before their wait.
      if (invocations < caps.maxInvocations) await takeToken();
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
      if (attempt + 1 >= MAX_THROTTLE_ATTEMPTS) return observation;
      const waitMs = Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt));
      options.onThrottle?.(waitMs);
      await sleep(waitMs);
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
      await acquireSlot();
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
