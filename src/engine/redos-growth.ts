import type { Finding, FuzzCase } from '../core/index.js';

/** The payload family whose hangs are labelled "possible ReDoS" (see the timeout oracle). */
const REDOS_FAMILY = 'redos';
/** Shorter runs than this are no pump: nothing to shorten. */
const MIN_RUN = 16;
/** The control pump is this many times shorter: a super-linear regex finishes it at once, a plain hang does not. */
const SHORTER_BY = 16;

/** Whether `finding` on `fuzzCase` is a timeout labelled "possible ReDoS", which the growth check must back. */
export function needsGrowthCheck(finding: Finding, fuzzCase: FuzzCase): boolean {
  return finding.oracle === 'timeout' && fuzzCase.injection?.family === REDOS_FAMILY;
}

/**
 * The payload with its longest run of one repeated character cut to a sixteenth (`aaaa…a!efz…` with 32 a's
 * becomes 2 a's; 100,000 spaces become 6,250), or `undefined` when it has no run worth cutting. A regex that
 * backtracks exponentially or polynomially on the run finishes the short one within the deadline; a handler that
 * hangs on the value whatever its length hangs on it too.
 */
export function shortenedPump(payload: string): string | undefined {
  let bestAt = -1;
  let bestLength = 0;
  for (let at = 0; at < payload.length; ) {
    let end = at + 1;
    while (end < payload.length && payload[end] === payload[at]) end++;
    if (end - at > bestLength) {
      bestAt = at;
      bestLength = end - at;
    }
    at = end;
  }
  if (bestLength < MIN_RUN) return undefined;
  const kept = Math.max(1, Math.floor(bestLength / SHORTER_BY));
  return payload.slice(0, bestAt + kept) + payload.slice(bestAt + bestLength);
}

/** The finding once the short pump hung as well: a plain timeout, its evidence saying why it is not ReDoS. */
export function notRedos(finding: Finding, shortLength: number): Finding {
  return {
    ...finding,
    severity: 'medium',
    title: 'Handler timed out',
    evidence: `${finding.evidence}\nA pump a ${SHORTER_BY}th as long (${shortLength} characters) hangs as well: the time does not grow with the input's length, so this is a hang on the value, not ReDoS.`,
  };
}
