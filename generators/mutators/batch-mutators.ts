import type { Entropy } from '../primitives/entropy.js';
import { writeAt } from '../inject.js';
import { defineStructuralMutator } from './types.js';

/** Fewest records `oversized-batch` produces: past the usual batch sizes (SQS 10, S3/SNS 1) by an order of magnitude. */
export const OVERSIZED_BATCH_MIN = 100;

type Json = Record<string, unknown>;

function recordsOf(event: unknown): unknown[] | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  const records = (event as Json)['Records'];
  return Array.isArray(records) ? records : undefined;
}

/**
 * A redelivered copy of `record`: a deep copy (a handler that mutates one record must not change another), with
 * a fresh receipt handle where it has one, as SQS gives every receive. With `newId`, also a fresh message id.
 */
function redelivered(record: unknown, e: Entropy, newId: boolean): unknown {
  const copy = structuredClone(record);
  if (typeof copy !== 'object' || copy === null) return copy;
  const fields = copy as Json;
  if (typeof fields['receiptHandle'] === 'string') fields['receiptHandle'] = `AQEB${e.base64(Math.max(0, fields['receiptHandle'].length - 4))}`;
  if (newId && typeof fields['messageId'] === 'string') fields['messageId'] = e.uuid();
  return copy;
}

/** `Records: []`: Lambda never sends it, but `Records[0].body` on an empty batch is a classic crash. */
export const emptyRecords = defineStructuralMutator({
  id: 'empty-records',
  description: 'The Records batch emptied.',
  apply: (event) => ((recordsOf(event)?.length ?? 0) === 0 ? undefined : writeAt(event, ['Records'], () => [])),
});

/** One record delivered twice with the same messageId, as SQS at-least-once delivery does: idempotency bugs. */
export const duplicateRecord = defineStructuralMutator({
  id: 'duplicate-record',
  description: 'One record repeated right after itself, same messageId (at-least-once delivery).',
  apply: (event, e) => {
    const records = recordsOf(event);
    if (records === undefined || records.length === 0) return undefined;
    const at = e.int(0, records.length - 1);
    return writeAt(event, ['Records'], () => [...records.slice(0, at + 1), redelivered(records[at], e, false), ...records.slice(at + 1)]);
  },
});

/** The batch repeated to 100–200 records, each copy with its own id: handlers that assume small batches or one record. */
export const oversizedBatch = defineStructuralMutator({
  id: 'oversized-batch',
  description: `The Records batch repeated to ${OVERSIZED_BATCH_MIN}–${OVERSIZED_BATCH_MIN * 2} records.`,
  apply: (event, e) => {
    const records = recordsOf(event);
    if (records === undefined || records.length === 0) return undefined;
    const size = e.int(OVERSIZED_BATCH_MIN, OVERSIZED_BATCH_MIN * 2);
    const batch = [...records];
    for (let i = records.length; i < size; i++) batch.push(redelivered(records[i % records.length], e, true));
    return writeAt(event, ['Records'], () => batch);
  },
});
