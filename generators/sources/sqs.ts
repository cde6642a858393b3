import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import type { SqsBodyKind } from '../primitives/sqs-batch.js';
import { defineEventSource } from '../types.js';
import { plainEvent, PLAIN_JSON_MESSAGE } from '../plain.js';
import { Entropy, entropySeed } from '../primitives/entropy.js';
import { isDeliverableJsonLeaf, isDeliverableText, isFifoId, isS3Key, isSnsSubject } from '../primitives/limits.js';
import { formatSnsJson } from '../primitives/sns-envelope.js';
import { sqsBatch } from '../primitives/sqs-batch.js';
import { md5OfBody, md5OfMessageAttributes } from '../primitives/sqs-md5.js';
import { RecentResults } from '../primitives/recent.js';

export type { SqsBodyKind } from '../primitives/sqs-batch.js';

/** The body kinds in shrink order: a plain JSON body is the simplest case to read in a report. */
export const SQS_BODY_KINDS: readonly SqsBodyKind[] = ['json', 'text', 'sns', 's3'];

/** Options of `sqsEvent`; every field narrows what is drawn. */
export interface SqsEventConstraints {
  /** Records per batch, at least 1 (default 3); half the batches hold one. FIFO batches never exceed 10, as Lambda caps them. */
  readonly maxRecords?: number;
  /** Force a FIFO (`true`) or standard (`false`) queue; drawn when absent. */
  readonly fifo?: boolean;
  /** Which producers may have written the bodies (default: all of `SQS_BODY_KINDS`). */
  readonly bodyKinds?: readonly SqsBodyKind[];
  /** Message attributes per record, 0 to 8 (default 3). */
  readonly maxMessageAttributes?: number;
}

/**
 * SQS batch (standard or FIFO queue) delivered to a Lambda consumer, from one queue, with bodies written by an
 * application (JSON or text), by SNS (the notification envelope) or by S3 (the event JSON). fast-check draws only
 * the record count, the queue type, the producer and the attribute count; the rest comes from one seed, so
 * generation is fast and shrinking stays meaningful. `md5OfMessageAttributes` is `null` when a record has no
 * attributes, as in real events (`SQSRecord` types it as an optional string).
 *
 * Injection points:
 * - `Records[*].body` (the raw body) and `Records[*].body<json>.**` (its JSON leaves);
 * - `Records[*].body<json>.Message` and `Records[*].body<json>.Message<json>.**` (SNS → SQS);
 * - `Records[*].body<json>.Subject` (SNS → SQS, when the publisher set one);
 * - `Records[*].body<json>.Records[*].s3.object.key<s3-key>` (S3 → SQS);
 * - `Records[*].messageAttributes[*].stringValue`;
 * - `Records[*].attributes.MessageGroupId` and `.MessageDeduplicationId` (FIFO).
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
export function sqsEvent(constraints: SqsEventConstraints = {}): fc.Arbitrary<SQSEvent> {
  const kinds = constraints.bodyKinds ?? SQS_BODY_KINDS;
  const maxRecords = Math.max(1, constraints.maxRecords ?? 3);
  // Half the batches hold one message, as on the low-traffic queues most consumers see; the rest 2..maxRecords.
  const records = maxRecords === 1 ? fc.constant(1) : fc.oneof(fc.constant(1), fc.integer({ min: 2, max: maxRecords }));
  return fc
    .tuple(
      records,
      constraints.fifo === undefined ? fc.boolean() : fc.constant(constraints.fifo),
      fc.constantFrom(...kinds),
      fc.integer({ min: 0, max: Math.min(8, constraints.maxMessageAttributes ?? 3) }),
      entropySeed(),
    )
    .map(([records, fifo, bodyKind, attributes, seed]) => {
      const batch = sqsBatch(new Entropy(seed), { records, fifo, bodyKind, attributes });
      for (const record of batch) {
        consistent.set(record, true);
        attributesMd5s.set(record.messageAttributes, record.md5OfMessageAttributes ?? null);
      }
      return { Records: batch };
    });
}

/** A few batches' worth: a FIFO batch holds up to 10 records, the fuzzing default up to 3. */
const RECENT_RECORDS = 32;

/**
 * Recent records whose derived fields are known to match their content: generated ones and those `syncSqsEvent`
 * returned. Events are immutable data here (`writeAt` copies what it changes, mutators clone), so a record that is
 * still the same object needs no re-hashing; the fuzzing loop then hashes only the record it wrote into. Only the
 * last few are remembered (the loop syncs an event right after generating it); an older record is checked again.
 */
const consistent = new RecentResults<SQSRecord, true>(RECENT_RECORDS);
/** The same for attribute maps: a write into the body keeps the map object, and its md5 with it. */
const attributesMd5s = new RecentResults<SQSMessageAttributes, string | null>(RECENT_RECORDS);

const SNS_SQS_BODY = /^\{"Type":"Notification",/;
const SQS_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Restores what SQS derives from the sender's input after a field was written: `md5OfBody`,
 * `md5OfMessageAttributes`, a `Number` attribute that no longer holds a number (the sender would have had to
 * declare it `String`), and SNS's own JSON layout of an envelope written compactly (the json codec keeps the
 * layout itself; a mutator or another writer may not). Pure; treats events as
 * immutable (records it recently generated or returned are not re-checked), so write with `writeAt`.
 */
export function syncSqsEvent(event: SQSEvent): SQSEvent {
  let records: SQSRecord[] | undefined;
  event.Records.forEach((record, index) => {
    const synced = syncRecord(record);
    if (synced !== record) (records ??= [...event.Records])[index] = synced;
  });
  return records === undefined ? event : { ...event, Records: records };
}

function syncRecord(record: SQSRecord): SQSRecord {
  if (consistent.get(record) === true) return record;
  const body = SNS_SQS_BODY.test(record.body) ? reformatEnvelope(record.body) : record.body;
  const messageAttributes = retypeNumbers(record.messageAttributes);
  const bodyMd5 = md5OfBody(body);
  let attributesMd5 = attributesMd5s.get(messageAttributes);
  if (attributesMd5 === undefined) attributesMd5s.set(messageAttributes, (attributesMd5 = md5OfMessageAttributes(messageAttributes)));
  if (body === record.body && messageAttributes === record.messageAttributes && bodyMd5 === record.md5OfBody && attributesMd5 === (record.md5OfMessageAttributes ?? null)) {
    consistent.set(record, true);
    return record;
  }
  const synced = { ...record, body, messageAttributes, md5OfBody: bodyMd5, md5OfMessageAttributes: attributesMd5 as string };
  consistent.set(synced, true);
  return synced;
}

function reformatEnvelope(body: string): string {
  try {
    const doc = JSON.parse(body) as unknown;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? formatSnsJson(doc as Record<string, unknown>) : body;
  } catch {
    return body;
  }
}

function retypeNumbers(attributes: SQSMessageAttributes): SQSMessageAttributes {
  let out: SQSMessageAttributes | undefined;
  for (const [name, attribute] of Object.entries(attributes)) {
    if (!attribute.dataType.startsWith('Number') || typeof attribute.stringValue !== 'string' || SQS_NUMBER.test(attribute.stringValue)) continue;
    (out ??= { ...attributes })[name] = { ...attribute, dataType: `String${attribute.dataType.slice('Number'.length)}` };
  }
  return out ?? attributes;
}

const BODY = ['Records', '*', 'body'] as const;
const SNS_MESSAGE = [...BODY, { codec: 'json' }, 'Message'] as const;

/** The SQS event source: arbitrary, attacker-controlled fields and derived-field sync. */
export const sqs = defineEventSource<SQSEvent>({
  id: 'sqs',
  title: 'Amazon SQS (standard and FIFO queues)',
  arbitrary: () => sqsEvent(),
  // One JSON message on a standard queue, without message attributes.
  plain: () => plainEvent(sqsEvent({ maxRecords: 1, fifo: false, bodyKinds: ['json'], maxMessageAttributes: 0 }), [[['Records', 0, 'body'], PLAIN_JSON_MESSAGE]], syncSqsEvent),
  injectionPoints: [
    { path: BODY, kind: 'body', accepts: isDeliverableText },
    { path: [...BODY, { codec: 'json' }, '**'], kind: 'body', accepts: isDeliverableJsonLeaf },
    { path: SNS_MESSAGE, kind: 'message', accepts: isDeliverableText },
    { path: [...SNS_MESSAGE, { codec: 'json' }, '**'], kind: 'message', accepts: isDeliverableJsonLeaf },
    { path: [...BODY, { codec: 'json' }, 'Subject'], kind: 'subject', accepts: isSnsSubject },
    { path: [...BODY, { codec: 'json' }, 'Records', '*', 's3', 'object', 'key', { codec: 's3-key' }], kind: 'object-key', accepts: isS3Key },
    { path: ['Records', '*', 'messageAttributes', '*', 'stringValue'], kind: 'attribute', accepts: isDeliverableText },
    { path: ['Records', '*', 'attributes', 'MessageGroupId'], kind: 'attribute', accepts: isFifoId },
    { path: ['Records', '*', 'attributes', 'MessageDeduplicationId'], kind: 'attribute', accepts: isFifoId },
  ],
  sync: syncSqsEvent,
});
