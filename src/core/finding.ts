export type Confidence = 'confirmed' | 'tainted';
export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** What an oracle concluded about one observation. The engine adds the case, point and repro around it. */
export interface Finding {
  /** Oracle id (`crash`, `command-injection`, …). */
  readonly oracle: string;
  readonly confidence: Confidence;
  readonly severity: Severity;
  readonly title: string;
  /** Human-readable proof. Secret values must already be masked. */
  readonly evidence: string;
  /**
   * What makes this bug distinct within its oracle: the sink's call site, or the error type and top frames for a
   * crash. Must not contain the canary, or every case would look new, nor the injection point: one bug reached
   * from several fields is still one bug.
   */
  readonly signature: string;
  /**
   * True when the bug belongs to the handler as a whole rather than to the field this case injected into (a
   * state leak shows whatever the current case carries): the engine then never attributes it to a field.
   */
  readonly handlerWide?: boolean;
  /**
   * The canary of an earlier case this finding is really about (a state leak shows that case's data): the
   * campaign reports that case, which a single later invocation reproduces, instead of the observing one.
   */
  readonly earlierCanary?: string;
  /**
   * How directly this case shows the bug, among findings of equal confidence and severity (0-9, default 0): the
   * campaign keeps, and the shrinker stays at, the case that proves most. A command-injection case whose payload
   * starts the canary program outranks one whose payload starts a command that does not exist (`EFZ-FORGED` from
   * a log payload): replayed with `--allow-exec`, only the first shows the command really ran.
   */
  readonly proofRank?: number;
  /**
   * True when the only proof is text that came back (an evaluated marker), no probe saw the sink. On a remote
   * target (no probes at all) the engine then re-sends the payload's negative control (the same text with its
   * arithmetic disarmed) and reports the finding only if the marker stays away (src/engine/confirm.ts).
   */
  readonly provenByMarker?: boolean;
}

/**
 * Findings are one bug when oracle and signature agree: what the bug is (the sink call site, the crash site and
 * error type), never where the payload was injected. Which field a finding belongs to is decided separately, by
 * re-running the case without its payload (src/engine/confirm.ts).
 */
export function dedupeKey(finding: Pick<Finding, 'oracle' | 'signature'>): string {
  return `${finding.oracle}|${finding.signature}`;
}
