import type { CanaryEffect, CodeEvalEffect, Effect, Finding, Observation } from '../core/index.js';
import { FROM_EVALUATED_CODE } from '../core/index.js';
import type { OracleContext } from './types.js';
import { redact } from './redact.js';
import { findEvaluatedMarker } from './marker-evidence.js';
import { defineOracle } from './types.js';

const MAX_CODE_IN_EVIDENCE = 2_000;
/** The payload family whose arithmetic marker this oracle reads; others (a shell's `$((a*b))`) prove other bugs. */
const CODE_FAMILY = 'code-injection';

/**
 * Code injection (CWE-94, CWE-502): text from this case's payload ran as JavaScript.
 * - `confirmed` (critical): the canary function `efzcanary` was called with this case's canary, or this case's
 *   evaluated marker `<canary><a*b>` (per-case operands, see `evaluatedMarker`) came back in the response or logs of
 *   a `code-injection` payload whose own text does not contain it (so `'<canary>'+a*b` was computed, not echoed);
 * - `tainted` (high): the canary reached a code-evaluation sink (`Function`, `vm.*`, or the argument of a direct
 *   `eval`, which the probes instrument at load time) without proof that it ran, e.g. inside a string literal of
 *   the evaluated code.
 *
 * Reflection of payload text is never execution. One finding per sink call site; proof without a probed sink
 * (code that reached an indirect `eval`, which is deliberately not hooked) has no call site, so its signature is
 * `unprobed-sink@<injection point>`, whichever proof showed it: the canary function and the computed marker are two
 * payloads proving the same bug, while two `eval`s fed by two fields stay two findings.
 */
export const codeInjection = defineOracle({
  id: 'code-injection',
  description: "This case's payload ran as JavaScript (the canary function was called, or <canary><a*b> was computed), or its canary reached eval-like sinks.",
  docs: {
    cwe: 'CWE-94',
    securitySeverity: '9.8',
    help: "Text from the event ran as JavaScript, through `eval`, `new Function`, `vm` or a template engine that compiles input. Code run this way has the full rights of the function, including its credentials.",
    fix: "Never evaluate input: parse data with `JSON.parse`, map names to functions with an explicit lookup table, and keep template sources out of reach of the event.",
  },
  check(observation, context) {
    const token = context.case.canary;
    const effects: readonly Effect[] = observation.effects ?? [];
    const called = effects.find((e): e is CanaryEffect => e.kind === 'canary' && e.via === 'function' && e.token === token);
    const marker = called === undefined ? evaluatedMarker(observation, context) : undefined;
    const proof = called !== undefined ? `the canary function ran: ${called.detail}` : marker;
    const sinks = effects.filter((e): e is CodeEvalEffect => e.kind === 'code-eval' && e.code.includes(token));
    // Code the payload made evaluate more code (a vm escape through `this.constructor.constructor`) is one bug,
    // at the sink the payload reached from the handler: the inner sinks are that sink's doing.
    const fromHandler = sinks.filter((e) => !e.callSite.endsWith(FROM_EVALUATED_CODE));
    const bySite = new Map<string, Finding>();
    for (const effect of fromHandler.length > 0 ? fromHandler : sinks) {
      const signature = effect.callSite.split(token).join('<canary>');
      if (!bySite.has(signature)) bySite.set(signature, sinkFinding(effect, signature, proof, context));
    }
    if (bySite.size > 0) return [...bySite.values()];
    if (proof === undefined) return [];
    return [
      {
        oracle: 'code-injection',
        confidence: 'confirmed',
        severity: 'critical',
        title: called !== undefined ? 'Code injection: the payload called the canary function' : 'Code injection: the payload was evaluated',
        evidence: redact(`This case's payload ran as JavaScript: ${proof}.${payloadLine(context)}`, context.secrets),
        signature: `unprobed-sink@${context.case.injection?.point ?? 'event'}`,
        // Only text came back: on a remote target the engine re-sends the marker's negative control first.
        ...(called === undefined ? { provenByMarker: true } : {}),
      },
    ];
  },
});

function sinkFinding(effect: CodeEvalEffect, signature: string, proof: string | undefined, context: OracleContext): Finding {
  const token = context.case.canary;
  const lines = [
    `${effect.api} was handed code carrying this case's canary ${token}.`,
    `code: ${clipAround(effect.code, token)}`,
    proof === undefined ? 'No proof that it ran (the canary may sit inside a string literal of the code).' : `It ran: ${proof}.`,
    `call site: ${effect.callSite}`,
  ];
  return {
    oracle: 'code-injection',
    confidence: proof === undefined ? 'tainted' : 'confirmed',
    severity: proof === undefined ? 'high' : 'critical',
    title: proof === undefined ? `Payload reaches ${effect.api} as code` : `Code injection via ${effect.api}`,
    evidence: redact(lines.join('\n'), context.secrets),
    signature,
  };
}

function evaluatedMarker(observation: Observation, context: OracleContext): string | undefined {
  const token = context.case.canary;
  return findEvaluatedMarker(observation, context, CODE_FAMILY, (expression) => `the payload computes '${token}'+${expression}`)?.proof;
}

function payloadLine(context: OracleContext): string {
  const injection = context.case.injection;
  return injection === null ? '' : `\npayload (${injection.payloadId}) at ${injection.target}: ${injection.payload}`;
}

/** Long code is cut to a window that keeps the canary visible. */
function clipAround(text: string, token: string): string {
  if (text.length <= MAX_CODE_IN_EVIDENCE) return text;
  const from = Math.max(0, text.indexOf(token) - MAX_CODE_IN_EVIDENCE / 2);
  const to = Math.min(text.length, from + MAX_CODE_IN_EVIDENCE);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}
