import fc from 'fast-check';
import { Entropy } from './primitives/entropy.js';

/**
 * A fresh canary per case: `efz` + 12 lower-case alphanumerics (matches CANARY_PATTERN). Derived from one
 * non-shrinking integer, so it is reproducible from the seed and stays the same while the case shrinks: the
 * shrunk case must still be recognisable by the evidence it leaves.
 */
export const canaryArbitrary = (): fc.Arbitrary<string> =>
  fc.noShrink(fc.integer({ min: 0, max: 0x7fffffff })).map(canaryFromSeed);

/** The canary for a seed (exported for tools that must derive the same token). */
export function canaryFromSeed(seed: number): string {
  return `efz${new Entropy(seed ^ 0x5eed).alnumLower(12)}`;
}
