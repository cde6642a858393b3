import type { S3Event } from 'aws-lambda';
import fc from 'fast-check';
import type { S3EventName } from '../primitives/s3-record.js';
import { defineEventSource } from '../types.js';
import { plainEvent } from '../plain.js';
import { Entropy, entropySeed } from '../primitives/entropy.js';
import { isS3Key } from '../primitives/limits.js';
import { s3Record, S3_EVENT_NAMES } from '../primitives/s3-record.js';

export type { S3EventName } from '../primitives/s3-record.js';
export { S3_EVENT_NAMES } from '../primitives/s3-record.js';

/** Options of `s3Event`; every field narrows what is drawn. */
export interface S3EventConstraints {
  /** The event names to draw from (default: every `ObjectCreated:*` and `ObjectRemoved:*`, Put first). */
  readonly eventNames?: readonly S3EventName[];
  /** Force a versioned (`true`) or unversioned (`false`) bucket; drawn when absent. */
  readonly versioned?: boolean;
}

/**
 * S3 event notification delivered straight to Lambda: exactly one record, `eventVersion` 2.1, an
 * `ObjectCreated:*` (with `size` and `eTag`) or `ObjectRemoved:*` (without them) event on a realistic,
 * form-encoded key. fast-check draws the event name and the bucket's versioning; the rest comes from one seed.
 * `ObjectRemoved:*` records lack `size`/`eTag`, which `S3EventRecord` wrongly requires (FIELDS.md §0).
 *
 * Injection points:
 * - `Records[*].s3.object.key<s3-key>`: the decoded key (≤ 1024 UTF-8 bytes), re-encoded as S3 writes it.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html
 */
export function s3Event(constraints: S3EventConstraints = {}): fc.Arbitrary<S3Event> {
  return fc
    .tuple(
      fc.constantFrom(...(constraints.eventNames ?? S3_EVENT_NAMES)),
      constraints.versioned === undefined ? fc.boolean() : fc.constant(constraints.versioned),
      entropySeed(),
    )
    .map(([eventName, versioned, seed]) => ({ Records: [s3Record(new Entropy(seed), { eventName, versioned })] }));
}

/** The S3 event source: arbitrary, attacker-controlled fields and derived-field sync. */
export const s3 = defineEventSource<S3Event>({
  id: 's3',
  title: 'Amazon S3 event notifications',
  arbitrary: () => s3Event(),
  // A Put of an unversioned object under a plain folder/name.ext key.
  plain: () => plainEvent(s3Event({ eventNames: ['ObjectCreated:Put'], versioned: false }), [[['Records', 0, 's3', 'object', 'key', { codec: 's3-key' }], 'uploads/report.csv']], (event) => event),
  injectionPoints: [{ path: ['Records', '*', 's3', 'object', 'key', { codec: 's3-key' }], kind: 'object-key', accepts: isS3Key }],
  // The s3-key codec already re-encodes the key, and nothing else in the record derives from it.
  sync: (event) => event,
});
