import type { Finding } from '../core/index.js';
import { logsHaystack, responseHaystack, segmentAt } from './response-text.js';
import type { Haystack } from './response-text.js';
import { defineOracle } from './types.js';

const TOKEN = /efz[a-z0-9]{12}/g;
const EXCERPT_RADIUS = 60;

/**
 * `state-leak`: a canary planted by an *earlier* invocation on the same warm instance comes back in this
 * invocation's response or logs — a module-level cache or variable serving one caller's data to the next, as
 * a warm Lambda container does. Each case's canary is unique, so a foreign one cannot be reflection of this
 * request. One finding per destination and part (response body, headers, logs).
 *
 * Such a finding needs the earlier invocation to reproduce: shrinking and replaying a single case will
 * usually not show it again.
 */
export const stateLeak = defineOracle({
  id: 'state-leak',
  description: 'a canary from an earlier invocation comes back from a later one on the same warm instance',
  docs: {
    cwe: 'CWE-488',
    securitySeverity: '6.5',
    help: "Data from one invocation came back in the response to a later one on the same warm instance. Lambda reuses instances between callers, so module-level state leaks one caller's data to another.",
    fix: "Keep per-request data in local variables of the handler, not in module scope; clear or key caches by the caller, and never return a shared mutable object.",
  },
  check(observation, context) {
    const earlier = context.earlierCanaries;
    if (earlier === undefined || earlier.length === 0) return [];
    const findings: Finding[] = [];
    for (const haystack of [responseHaystack(observation.outcome), logsHaystack(observation)]) {
      const hit = firstForeignCanary(haystack, earlier, context.case.canary);
      if (hit === undefined) continue;
      const segment = segmentAt(haystack, hit.index);
      const distance = earlier.indexOf(hit.token) + 1;
      findings.push({
        oracle: 'state-leak',
        confidence: 'confirmed',
        severity: haystack.where === 'response' ? 'high' : 'medium',
        title: `Data from an earlier invocation leaks into the ${segment.label}`,
        evidence: [
          `The ${segment.label} carries ${hit.token}, the canary of the invocation ${distance} before this one ${context.remote === true ? 'to the same remote target (any of its warm instances)' : 'on the same warm instance'} (this case's canary is ${context.case.canary}).`,
          `excerpt: …${excerpt(haystack.text, hit.index, hit.token.length)}…`,
        ].join('\n'),
        signature: `${haystack.where}:${segment.label}`,
        handlerWide: true,
        earlierCanary: hit.token,
      });
    }
    return findings;
  },
});

function firstForeignCanary(haystack: Haystack, earlier: readonly string[], own: string): { token: string; index: number } | undefined {
  if (haystack.text.length === 0) return undefined;
  for (const match of haystack.text.matchAll(TOKEN)) {
    if (match[0] !== own && earlier.includes(match[0])) return { token: match[0], index: match.index };
  }
  return undefined;
}

function excerpt(text: string, index: number, length: number): string {
  return text.slice(Math.max(0, index - EXCERPT_RADIUS), index + length + EXCERPT_RADIUS).replaceAll('\u0000', ' | ');
}
