/**
 * A memo of the last few results of a pure function, found by identity (`===`): the hot loop asks again about
 * the very objects and strings it just made (a record it generated, a body it resolves and then rewrites), so a hit
 * is a pointer compare. Cheaper than the alternatives it replaced: a `Map` hashes every new string key in full (a
 * 1 KB body cost more to hash than to parse) and weak collections burden every collection with their entries.
 * Whatever falls out is simply computed again, so the size only trades hits for compares.
 */
export class RecentResults<K, V> {
  readonly #keys: (K | undefined)[];
  readonly #values: (V | undefined)[];
  #next = 0;

  constructor(size: number) {
    this.#keys = Array<K | undefined>(size).fill(undefined);
    this.#values = Array<V | undefined>(size).fill(undefined);
  }

  /** The value remembered for `key`, or `undefined` (so `V` must not include `undefined`). */
  get(key: K): V | undefined {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.#values[i];
    return undefined;
  }

  /** Remembers `value` for `key`, forgetting the oldest entry. */
  set(key: K, value: V): void {
    this.#keys[this.#next] = key;
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#keys.length;
  }
}
