import type { Finding, FuzzCase, Observation, WatchedSecret } from '../core/index.js';

/** What an oracle may know besides the observation. Oracles are pure: no I/O, no clock, no global state. */
export interface OracleContext {
  readonly case: FuzzCase;
  readonly secrets: readonly WatchedSecret[];
  readonly timeoutMs: number;
  /**
   * Canaries of the cases invoked before this one on the same warm instance, most recent first (bounded).
   * A token from one of them in this response means state leaked between invocations.
   */
  readonly earlierCanaries?: readonly string[] | undefined;
  /**
   * The target is deployed (a Lambda function, an HTTP endpoint), not a handler eventfuzz runs: no canary
   * credentials were planted in its environment, and its warm instances are not eventfuzz's to tell apart. Not the
   * same as unprobed (`isUnprobed`): a function with eventfuzz's layer attached is remote and probed.
   */
  readonly remote?: boolean | undefined;
}

/** Decides what went wrong in one observation. Stable ids are part of the public contract (DESIGN.md). */
export interface Oracle {
  readonly id: string;
  /** One line for `eventfuzz oracles` and reports. */
  readonly description: string;
  check(observation: Observation, context: OracleContext): readonly Finding[];
}

/** Identity helper that keeps the literal typed (STYLE: `defineXxx`). */
export const defineOracle = (oracle: Oracle): Oracle => oracle;
