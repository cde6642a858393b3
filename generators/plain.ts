import fc from 'fast-check';
import type { ConcretePath } from './inject.js';
import { writeAt } from './inject.js';

/** Any fixed seed will do; fixed so the plain event, and a baseline run on it, never change between runs. */
const PLAIN_SEED = 1;

/** The plain message text the message sources (SQS, SNS) carry: a small ASCII JSON object, as most apps send. */
export const PLAIN_JSON_MESSAGE = '{"id":"1001","type":"order.created","status":"CREATED","quantity":1}';

/**
 * The most ordinary valid event of a source: drawn once, with a fixed seed, from the source's arbitrary narrowed
 * to its commonest shape (one record, no optional parts), then with every attacker-controlled value that the
 * arbitrary deliberately makes unusual (S3 keys with spaces and brackets, accented names, unicode) set to a plain
 * ASCII value, and derived fields re-synced. Valid-but-unusual values are what fuzz cases explore; the plain
 * event is what a baseline invocation needs: if the handler already fails here, it fails for everyone.
 */
export function plainEvent<E>(narrowed: fc.Arbitrary<E>, plainValues: readonly (readonly [ConcretePath, string])[], sync: (event: E) => E): E {
  const [drawn] = fc.sample(narrowed, { seed: PLAIN_SEED, numRuns: 1 }) as [E];
  return sync(plainValues.reduce((event, [path, value]) => writeAt(event, path, () => value), drawn));
}
