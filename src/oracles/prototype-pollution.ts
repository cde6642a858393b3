import type { Effect, Finding, GlobalsEffect } from '../core/index.js';
import type { OracleContext } from './types.js';
import { CANARY_PATTERN } from '../core/index.js';
import { redact } from './redact.js';
import { defineOracle } from './types.js';

const ANY_CANARY = new RegExp(CANARY_PATTERN.source, 'g');

/**
 * Prototype pollution (CWE-1321): a built-in prototype gained, changed or lost a property during the invocation.
 * The prototypes probe records it and restores the prototype afterwards.
 * - `confirmed` (high): the key or the new value carries this case's canary: the payload chose what was written
 *   (`{"__proto__":{"<canary>":"1"}}` through a naive deep merge, `constructor.prototype.<canary>` through a
 *   set-by-path helper, …);
 * - `tainted` (medium): a prototype changed without this case's canary. Modifying shared built-ins while serving
 *   a request is a bug in its own right (the change outlives the request in a warm container and alters every
 *   library in the process), but nothing shows the event controls it, so it is reported with less certainty.
 *
 * One finding per prototype property; the signature is `<target>.<key>` with any canary replaced by `<canary>`, so
 * every case that pollutes through the same path dedupes to one bug.
 */
export const prototypePollution = defineOracle({
  id: 'prototype-pollution',
  description: 'A built-in prototype (Object.prototype, Array.prototype, …) was modified during the invocation; confirmed when the key or value carries this case’s canary.',
  docs: {
    cwe: 'CWE-1321',
    securitySeverity: '7.3',
    help: "Keys from the event (`__proto__`, `constructor.prototype`) changed a built-in prototype during the invocation. Every object of the warm instance then inherits the attacker's properties, which can bypass checks or run code in later requests.",
    fix: "Do not deep-merge or assign untrusted keys into plain objects: use `Object.create(null)` or `Map`, skip `__proto__`, `constructor` and `prototype` keys, or validate the input with a schema that rejects unknown keys.",
  },
  check(observation, context) {
    const effects: readonly Effect[] = observation.effects ?? [];
    const bySignature = new Map<string, Finding>();
    for (const effect of effects) {
      if (effect.kind !== 'globals-modified') continue;
      const finding = pollutionFinding(effect, context);
      const known = bySignature.get(finding.signature);
      if (known === undefined || (known.confidence === 'tainted' && finding.confidence === 'confirmed')) bySignature.set(finding.signature, finding);
    }
    return [...bySignature.values()];
  },
});

function pollutionFinding(effect: GlobalsEffect, context: OracleContext): Finding {
  const token = context.case.canary;
  const confirmed = effect.key.includes(token) || effect.detail.includes(token);
  const path = `${effect.target}${effect.key.startsWith('Symbol(') ? `[${effect.key}]` : `.${effect.key}`}`;
  const lines = [
    confirmed
      ? `${path} was written during the invocation, and it carries this case's canary ${token}: the payload chose it.`
      : `${path} was modified during the invocation; it does not carry this case's canary, so the event may not control it.`,
    `change: ${effect.detail}`,
    'eventfuzz restored the prototype after the invocation.',
  ];
  const injection = context.case.injection;
  if (injection !== null) lines.push(`payload (${injection.payloadId}) at ${injection.target}: ${injection.payload}`);
  return {
    oracle: 'prototype-pollution',
    confidence: confirmed ? 'confirmed' : 'tainted',
    severity: confirmed ? 'high' : 'medium',
    title: confirmed ? `Prototype pollution: ${withoutCanary(path, token)} set from the event` : `Built-in prototype modified: ${withoutCanary(path, token)}`,
    evidence: redact(lines.join('\n'), context.secrets),
    signature: withoutCanary(path, token),
  };
}

/** This case's canary, and any other canary-shaped token, become `<canary>`: a signature must not change from case to case. */
function withoutCanary(text: string, token: string): string {
  return text.split(token).join('<canary>').replace(ANY_CANARY, '<canary>');
}
