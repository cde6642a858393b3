import type { Finding } from '../core/index.js';
import { defineOracle } from './types.js';

/** The payload family whose whole point is catastrophic regex backtracking. */
const REDOS_FAMILY = 'redos';

/**
 * The handler did not finish within the limit. Medium on its own: a slow dependency or an unbounded loop is a
 * denial of service for that invocation (and a bill). High when the case carried a `redos` payload, because then the
 * payload itself most likely drove a regular expression into catastrophic backtracking: "possible ReDoS", not
 * confirmed, since a timeout alone cannot show where the time went.
 *
 * Signature: `timeout`, whichever payload was in the case. A hang has no site to tell two apart, and a handler that
 * hangs on any unusual value hangs on a ReDoS pump too: one bug, one finding. The stronger proof wins (a ReDoS
 * payload's high severity replaces a plain timeout). The limit and duration vary from run to run and stay in the
 * evidence.
 */
export const timeout = defineOracle({
  id: 'timeout',
  description: 'The handler did not finish within the time limit (possible ReDoS when a regex payload caused it).',
  docs: {
    cwe: 'CWE-400',
    securitySeverity: '7.5',
    help: "The handler did not finish within its time limit on an event an outside party can send. A payload that makes a function hang burns its whole timeout on every retry (denial of wallet) and, with a regular expression on input, is often ReDoS.",
    fix: "Bound the work per event: cap input sizes, use linear-time regular expressions (or the `re2` package) on untrusted text, and give every outbound call its own timeout shorter than the function's.",
  },
  check(observation, context): readonly Finding[] {
    const outcome = observation.outcome;
    if (outcome.kind !== 'timeout') return [];
    const redos = context.case.injection?.family === REDOS_FAMILY;
    const payload = context.case.injection === null ? '' : `; payload ${context.case.injection.payloadId}`;
    return [
      {
        oracle: 'timeout',
        confidence: 'confirmed',
        severity: redos ? 'high' : 'medium',
        title: redos ? 'Handler timed out on a regex payload: possible ReDoS' : 'Handler timed out',
        // Whole milliseconds: the measured duration is a float (performance.now), and "4522.325192 ms" is noise.
        evidence: `no result within ${outcome.limitMs} ms (stopped after ${Math.round(observation.durationMs)} ms)${payload}`,
        signature: 'timeout',
      },
    ];
  },
});
