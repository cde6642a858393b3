import fc from 'fast-check';

const HEX = '0123456789abcdef';
const ALNUM_LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE64_CHARS = `${ALNUM}+/`;

/**
 * A cheap deterministic stream of choices (mulberry32) for the fields that must look real but never need to
 * shrink: ids, hashes, timestamps, receipt handles. Building them from one seed instead of a tree of fast-check
 * arbitraries is what lets generation run at tens of thousands of events per second. Create one per event from
 * a seed drawn with `entropySeed()`; never share one across events.
 */
export class Entropy {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(probabilityTrue = 0.5): boolean {
    return this.next() < probabilityTrue;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  hex(length: number): string {
    return this.chars(HEX, length);
  }

  alnumLower(length: number): string {
    return this.chars(ALNUM_LOWER, length);
  }

  alnum(length: number): string {
    return this.chars(ALNUM, length);
  }

  upperAlnum(length: number): string {
    return this.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', length);
  }

  digits(length: number): string {
    return this.chars('0123456789', length);
  }

  /** Base64 text of `length` chars (a multiple of 4 when `padded`, ending in `=`/`==` where real ids do). */
  base64(length: number): string {
    return this.chars(BASE64_CHARS, length);
  }

  /** A lower-case RFC 4122 v4 UUID. */
  uuid(): string {
    const variant = HEX[8 + this.int(0, 3)];
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }
}

/** The one fast-check arbitrary behind an event's cosmetic fields: a seed that does not shrink. */
export const entropySeed = (): fc.Arbitrary<number> => fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff }));
