import { Buffer } from 'node:buffer';
import { safeIndexOf, safeStringify } from '../core/safe-globals.js';

/** How a watched value was written where it was found. Part of `secret-leak` signatures: keep the names stable. */
export type SecretEncoding = 'verbatim' | 'json-escaped' | 'url-encoded' | 'base64' | 'base64url' | 'hex';

/** One searchable form of a secret. */
export interface SecretNeedle {
  readonly text: string;
  readonly encoding: SecretEncoding;
}

/** A value to mask; `name` (the env variable) labels the mask, e.g. `«DB_PASSWORD»`. */
export interface RedactableSecret {
  readonly value: string;
  readonly name?: string;
}

/** Values shorter than this are not masked: masking `abc` everywhere would mangle a report and protect nothing. */
export const MIN_REDACT_LENGTH = 4;

/**
 * Base64 fragments and hex shorter than this match by coincidence too often. A secret of at least 8 bytes always
 * yields a fragment this long at every alignment: floor((8 - 2) × 8 / 6) = 8.
 */
const MIN_FRAGMENT_LENGTH = 8;

/**
 * Every form in which `value` may show up in text, most specific first, deduplicated (for `[A-Za-z0-9]` secrets
 * most encodings equal the verbatim value and are dropped).
 *
 * Base64: a secret inside a larger blob is encoded together with its neighbours, so the whole `base64(value)` is
 * not in the text. For each of the 3 positions the secret can start at within a 3-byte group, the characters that
 * depend only on secret bytes are computed: drop the secret bytes that share the first group with unknown bytes,
 * encode the rest from a group boundary, keep the characters whose 6 bits are all secret bits.
 */
export function secretNeedles(value: string): readonly SecretNeedle[] {
  const needles: SecretNeedle[] = [];
  const seen = new Set<string>();
  const add = (text: string, encoding: SecretEncoding, min: number): void => {
    if (text.length < min || seen.has(text)) return;
    seen.add(text);
    needles.push({ text, encoding });
  };
  add(value, 'verbatim', MIN_REDACT_LENGTH);
  const json = (safeStringify(value) as string).slice(1, -1);
  add(json, 'json-escaped', MIN_REDACT_LENGTH);
  // Serializers other than JSON.stringify escape `/` (PHP, some Java) or everything non-ASCII (Python's default).
  add(json.replaceAll('/', '\\/'), 'json-escaped', MIN_REDACT_LENGTH);
  add(asciiOnlyJson(json), 'json-escaped', MIN_REDACT_LENGTH);
  const url = urlEncode(value);
  if (url !== undefined) {
    add(url, 'url-encoded', MIN_REDACT_LENGTH);
    add(url.replaceAll('%20', '+'), 'url-encoded', MIN_REDACT_LENGTH); // form encoding
  }
  const bytes = Buffer.from(value, 'utf8');
  for (const fragment of base64StableFragments(bytes)) {
    add(fragment, 'base64', MIN_FRAGMENT_LENGTH);
    add(fragment.replaceAll('+', '-').replaceAll('/', '_'), 'base64url', MIN_FRAGMENT_LENGTH);
  }
  const hex = bytes.toString('hex');
  add(hex, 'hex', MIN_FRAGMENT_LENGTH);
  add(hex.toUpperCase(), 'hex', MIN_FRAGMENT_LENGTH);
  return needles;
}

/** @internal The secret-only part of the base64 text for each of the 3 alignments (see {@link secretNeedles}). */
export function base64StableFragments(bytes: Uint8Array): readonly string[] {
  const fragments: string[] = [];
  for (let lead = 0; lead < 3; lead++) {
    // `lead` unknown bytes precede the secret in its group; the secret bytes completing that group are mixed.
    const rest = Buffer.from(bytes.subarray((3 - lead) % 3));
    const stable = Math.floor((rest.length * 8) / 6);
    fragments.push(rest.toString('base64').slice(0, stable));
  }
  return fragments;
}

function asciiOnlyJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function urlEncode(value: string): string | undefined {
  try {
    return encodeURIComponent(value);
  } catch {
    return undefined; // lone surrogate: no URL-encoded form exists
  }
}

interface Mask {
  readonly text: string;
  readonly marker: string;
}

// Reporters may pass a fresh array each call; caching by array identity still pays off for the oracles' hot path.
const masksCache = new WeakMap<readonly RedactableSecret[], readonly Mask[]>();

/** @internal Every needle of every secret with its marker, longest first so no shorter needle splits a longer one. */
export function masksFor(secrets: readonly RedactableSecret[]): readonly Mask[] {
  const cached = masksCache.get(secrets);
  if (cached !== undefined) return cached;
  const masks: Mask[] = [];
  for (const secret of secrets) {
    if (secret.value.length < MIN_REDACT_LENGTH) continue;
    const marker = `«${secret.name ?? 'secret'}»`;
    for (const needle of secretNeedles(secret.value)) masks.push({ text: needle.text, marker });
  }
  masks.sort((a, b) => b.text.length - a.text.length);
  masksCache.set(secrets, masks);
  return masks;
}

/**
 * Masks every watched value in `text`, verbatim and in each encoding {@link secretNeedles} knows, with
 * `«NAME»` (or `«secret»` when unnamed). Reporters write everything through this: the harness must not re-leak what
 * it detected. A secret embedded in a base64 blob keeps its 1–2 boundary characters, which carry only partial bits.
 */
export function redact(text: string, secrets: readonly RedactableSecret[]): string {
  let out = text;
  for (const mask of masksFor(secrets)) out = replaceAllSafe(out, mask.text, mask.marker);
  return out;
}

// Not `split/join` or `replaceAll`: in-process, the handler under test may have patched String.prototype.
function replaceAllSafe(text: string, needle: string, replacement: string): string {
  let at = safeIndexOf(text, needle);
  if (at < 0) return text;
  let out = '';
  let from = 0;
  while (at >= 0) {
    out += text.slice(from, at) + replacement;
    from = at + needle.length;
    at = safeIndexOf(text, needle, from);
  }
  return out + text.slice(from);
}
