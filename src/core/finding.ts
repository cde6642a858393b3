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
   * What makes this bug distinct within its oracle and injection point: the sink's call site, or the error type
   * and top frames for a crash. Must not contain the canary, or every case would look new.
   */
  readonly signature: string;
  /**
   * True when the bug belongs to the handler as a whole rather than to the field this case injected into (a
   * state leak shows whatever the current case carries): such findings are deduplicated without the point.
   */
  readonly handlerWide?: boolean;
  /**
   * The canary of an earlier case this finding is really about (a state leak shows that case's data): the
   * campaign reports that case, which a single later invocation reproduces, instead of the observing one.
   */
  readonly earlierCanary?: string;
}

/** Findings are one bug when oracle, injection point (unless handler-wide) and signature agree. */
export function dedupeKey(finding: Finding, point: string | null): string {
  return `${finding.oracle}|${finding.handlerWide === true ? '*' : (point ?? '-')}|${finding.signature}`;
}
