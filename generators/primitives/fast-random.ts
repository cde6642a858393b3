import type { Entropy } from './entropy.js';

/**
 * Bulk random text for the hot path. `Entropy` builds strings one character per draw; a receipt handle or an
 * SNS signature is hundreds of characters, so these take one draw from `e` to seed an inline xorshift32 and
 * fill 32 bits per step, which keeps SQS generation above 80k events/s. Deterministic for a given `e` state.
 */

const scratch = new Uint32Array(128);
const scratchBytes = Buffer.from(scratch.buffer);

function fill(e: Entropy, words: number): void {
  let x = Math.floor(e.next() * 4294967296) | 1;
  for (let i = 0; i < words; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    scratch[i] = x;
  }
}

/**
 * `bytes` (≤ 512) random bytes as standard padded base64: signatures, receipt handles, binary attributes.
 * `prefix` fixes the first bytes, so the text starts with their base64 in one flat string.
 */
export function randomBase64(e: Entropy, bytes: number, prefix: readonly number[] = []): string {
  fill(e, (bytes + 3) >>> 2);
  for (let i = 0; i < prefix.length; i++) scratchBytes[i] = prefix[i]!;
  return scratchBytes.toString('base64', 0, bytes);
}

/** `length` (≤ 1024) lower-case hex digits. */
export function randomHex(e: Entropy, length: number): string {
  fill(e, (length + 7) >>> 3);
  return scratchBytes.toString('hex', 0, (length + 1) >>> 1).slice(0, length);
}

/** A lower-case RFC 4122 UUID of `version` 4 (random) or 5 (name-based, as SNS message ids are). */
export function randomUuid(e: Entropy, version: 4 | 5 = 4): string {
  const h = randomHex(e, 32);
  const variant = '89ab'[h.charCodeAt(16) & 3]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${version}${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
