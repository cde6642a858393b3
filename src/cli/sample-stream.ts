import fc from 'fast-check';
import { xorshift128plus } from 'pure-rand/generator/xorshift128plus';

/**
 * The values `fc.sample(arbitrary, { seed, numRuns })` returns, in the same order, one at a time and without end:
 * `eventfuzz generate --count 1000000` must not hold a million events in memory before printing the first one, and
 * its output for a seed must stay what it has always been.
 *
 * This mirrors fast-check 4's sampler (Tosser.ts `toss`, Property `generate`): the default random generator
 * (xorshift128plus) seeded once, jumped before each value, and each value generated with the bias of its run index.
 * Tests compare it with `fc.sample` byte for byte, so a fast-check upgrade that changes the sampler is caught.
 */
export function* sampleValues<T>(arbitrary: fc.Arbitrary<T>, seed: number): Generator<T, never, undefined> {
  const rng = xorshift128plus(seed);
  for (let index = 0; ; index++) {
    rng.jump();
    yield arbitrary.generate(new fc.Random(rng), biasFor(index)).value;
  }
}

/** fast-check's `runIdToFrequency`: bias grows with the run index (stronger towards small values early on). */
function biasFor(index: number): number {
  return 2 + ~~(Math.log(index + 1) * 0.4342944819032518);
}
