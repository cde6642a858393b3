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

/** What a report tells about an oracle's findings (SARIF rules, JUnit failures): the weakness and how to fix it. */
export interface OracleDocs {
  /** The weakness, as `CWE-78`. */
  readonly cwe: string;
  /** CVSS-style base score as a string (`'9.8'`), for GitHub code scanning's `security-severity`. */
  readonly securitySeverity: string;
  /** What a finding means, in markdown, 2-4 sentences. */
  readonly help: string;
  /** How to fix it, in markdown. */
  readonly fix: string;
}

/** Decides what went wrong in one observation. Stable ids are part of the public contract (DESIGN.md). */
export interface Oracle {
  readonly id: string;
  /** One line for `eventfuzz oracles` and reports. */
  readonly description: string;
  /** Optional so that an oracle defined elsewhere still type-checks; every built-in oracle has them. */
  readonly docs?: OracleDocs;
  check(observation: Observation, context: OracleContext): readonly Finding[];
}

/** Identity helper that keeps the literal typed (STYLE: `defineXxx`). */
export const defineOracle = <T extends Oracle>(oracle: T): T => oracle;

/** A built-in oracle: one that always carries its docs. */
export type DocumentedOracle = Oracle & { readonly docs: OracleDocs };
