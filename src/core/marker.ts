/**
 * The evaluated marker: text that comes back only if a payload *ran*. Payload templates write
 * `'{{token}}'+{{a}}*{{b}}` (JavaScript) or `echo {{token}}$(({{a}}*{{b}}))` (shell); a handler that evaluated it
 * returns `<token><a*b>`, one that reflects it returns the expression unevaluated. The operands are derived from
 * the case's canary, so they differ per case and a handler that prints a constant (`efz…42`) cannot fake them,
 * and they are reproducible: a stored case renders and judges the same way on replay.
 */
export interface MarkerOperands {
  readonly a: number;
  readonly b: number;
}

/** The fixed arithmetic of payloads rendered before per-case operands existed: old corpora keep replaying. */
export const LEGACY_OPERANDS: MarkerOperands = Object.freeze({ a: 6, b: 7 });

const OPERAND_MIN = 1_000;
const OPERAND_SPAN = 9_000;

/**
 * Two four-digit operands from the canary (FNV-1a, two seeds). Four digits each keep the product below 10^8,
 * exact in JavaScript numbers and in any shell's arithmetic, and long enough (7-8 digits) not to occur by chance.
 */
export function markerOperands(token: string): MarkerOperands {
  return { a: OPERAND_MIN + (fnv1a(token, 0x811c9dc5) % OPERAND_SPAN), b: OPERAND_MIN + (fnv1a(token, 0x01000193) % OPERAND_SPAN) };
}

/** What a payload's arithmetic evaluates to, and the expression as the payload text writes it. */
export interface EvaluatedMarker {
  /** `<token><a*b>`: only evaluation produces it. */
  readonly marker: string;
  /** `a*b` as it appears in the rendered payload. */
  readonly expression: string;
  /** True for the fixed `6*7` of old templates (guessable: only the local probes or the remote control make it proof). */
  readonly legacy: boolean;
}

/**
 * The marker `payload` (rendered) can produce for `token`: the per-case one when the payload carries this case's
 * operands, the legacy `<token>42` when it carries `6*7` instead, else `undefined` (the payload computes nothing,
 * or it already contains the marker itself, so seeing it proves nothing).
 */
export function evaluatedMarker(payload: string, token: string): EvaluatedMarker | undefined {
  for (const [operands, legacy] of [[markerOperands(token), false], [LEGACY_OPERANDS, true]] as const) {
    const expression = `${operands.a}*${operands.b}`;
    const marker = `${token}${operands.a * operands.b}`;
    if (payload.includes(expression)) return payload.includes(marker) ? undefined : { marker, expression, legacy };
  }
  return undefined;
}

/**
 * The negative control of a marker: the same payload text with the operator of its arithmetic turned into `-`.
 * Same length, same quotes, same structure, so the handler takes the same path with it; evaluated it gives
 * another number, reflected it gives another text, so the marker must not come back. A handler that shows the
 * marker for the control too (it prints it whatever it gets, or multiplies any numbers it finds) did not evaluate
 * the payload. `undefined` when the payload carries no marker arithmetic.
 */
export function markerControlPayload(payload: string, token: string): string | undefined {
  const found = evaluatedMarker(payload, token);
  if (found === undefined) return undefined;
  return payload.split(found.expression).join(found.expression.replace('*', '-'));
}

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
