/** How a payload is placed into the (decoded) value of a field. */
export type Placement = 'replace' | 'append' | 'before-extension' | 'segment';

/** What was written into an event, and where. */
export interface Injection {
  /** The declared injection point, formatted with wildcards: `Records[*].body`. Findings dedupe on this. */
  readonly point: string;
  /** The concrete field written: `Records[0].body<json>.orderId`. */
  readonly target: string;
  readonly payloadId: string;
  /** The payload's category (`command-injection`, `path-traversal`, …). */
  readonly family: string;
  readonly placement: Placement;
  /** The rendered payload (canary filled in). */
  readonly payload: string;
}

/** One generated input: an event for a source, possibly carrying an injected payload. Plain data, JSON-safe. */
export interface FuzzCase {
  readonly source: string;
  readonly event: unknown;
  /** This case's canary token (`efz` + 12 chars): any evidence carrying it traces back to this case. */
  readonly canary: string;
  readonly injection: Injection | null;
  /** Structural mutators applied (missing field, type confusion, …), in order. */
  readonly mutators: readonly string[];
}

/** Every canary has this shape, so probes can recognise payload-derived data without knowing the case. */
export const CANARY_PATTERN = /efz[a-z0-9]{12}/;

/**
 * The harmless program shell payloads call (`;efzcanary <canary>`): with `--allow-exec` it is on PATH and writes
 * down its arguments, so running it proves a shell executed payload text whatever the handler does with output.
 */
export const CANARY_PROGRAM_NAME = 'efzcanary';

/** How many of the field × payload-category pairs a run could send were sent at least once. */
export interface PairCoverage {
  readonly pairs: number;
  readonly covered: number;
}
