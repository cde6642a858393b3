import type { SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import * as crypto from 'node:crypto';
import type { Entropy } from './entropy.js';
import type { AttributeSpec } from './messages.js';
import { accountId, epochMs, iamUniqueId, region as anyRegion, resourceName } from './aws.js';
import { randomBase64, randomHex, randomUuid } from './fast-random.js';
import { attributeMakers, jsonMessage, textMessage } from './messages.js';
import { s3BucketName, s3Record, S3_EVENT_NAMES } from './s3-record.js';
import { snsNotification, snsSubscription, sqsEnvelopeBody } from './sns-envelope.js';
import { md5OfBody, md5OfMessageAttributes } from './sqs-md5.js';

/**
 * What produced the messages of a batch: an application sending JSON or text, an SNS topic without raw delivery
 * (the body is SNS's JSON envelope), or S3 event notifications (the body is the S3 event JSON).
 */
export type SqsBodyKind = 'json' | 'text' | 'sns' | 's3';

/** The meaningful, shrinkable choices behind one batch (drawn by fast-check in `sqsEvent`). */
export interface SqsBatchOptions {
  /** Records in the batch, at least 1 (FIFO batches are capped at 10). */
  readonly records: number;
  /** Honoured for `json`/`text` producers only: S3 cannot notify FIFO queues, and SNS FIFO envelopes are not modelled. */
  readonly fifo: boolean;
  /** Who wrote the bodies; one producer per batch, as a queue usually has. */
  readonly bodyKind: SqsBodyKind;
  /** Message attributes per record (application producers only: SNS and S3 deliveries carry none). */
  readonly attributes: number;
}

/** The meaningful choices were drawn by fast-check; everything here is cosmetic and comes from `e`. */
export function sqsBatch(e: Entropy, options: SqsBatchOptions): SQSRecord[] {
  const region = anyRegion(e);
  const application = options.bodyKind === 'json' || options.bodyKind === 'text';
  const fifo = options.fifo && application;
  const queue = `${resourceName(e)}${fifo ? '.fifo' : ''}`;
  const eventSourceARN = `arn:aws:sqs:${region}:${accountId(e)}:${queue}`;
  const count = fifo ? Math.min(options.records, 10) : options.records;
  const body = bodyMaker(e, options.bodyKind, region);
  const makers = application ? attributeMakers(e, options.attributes) : [];
  const labelled = e.bool(0.1);
  const senderId = e.pick([() => iamUniqueId(e), () => `${iamUniqueId(e, 'AROA')}:${e.pick(['order-service', 'checkout', 'worker-' + e.digits(3)])}`, () => accountId(e)])();
  const traced = e.bool(0.4);
  const fifoState = fifo ? newFifoState(e, count) : undefined;
  let sent = epochMs(e);
  const records: SQSRecord[] = [];
  for (let i = 0; i < count; i++) {
    sent += e.int(0, 1500);
    const text = body(sent);
    const specs = makers.map((make) => make(e));
    const messageAttributes = sqsMessageAttributes(specs, labelled);
    const attributes: SQSRecordAttributes = { ApproximateReceiveCount: e.bool(0.85) ? '1' : String(e.int(2, 5)) } as SQSRecordAttributes;
    if (traced) {
      attributes.AWSTraceHeader = `Root=1-${Math.floor(sent / 1000).toString(16)}-${randomHex(e, 24)};Parent=${randomHex(e, 16)};Sampled=${e.bool(0.1) ? 1 : 0}`;
    }
    attributes.SentTimestamp = String(sent);
    if (fifoState !== undefined) {
      fifoState.sequence += BigInt(e.int(1, 1_000_000));
      attributes.SequenceNumber = fifoState.sequence.toString();
      attributes.MessageGroupId = e.pick(fifoState.groups);
    }
    attributes.SenderId = senderId;
    if (fifoState !== undefined) {
      attributes.MessageDeduplicationId = fifoState.contentBased ? sha256Hex(text) : randomUuid(e);
    }
    attributes.ApproximateFirstReceiveTimestamp = String(sent + e.int(3, 900));
    records.push({
      messageId: randomUuid(e),
      receiptHandle: receiptHandle(e),
      body: text,
      attributes,
      messageAttributes,
      // `null` without attributes, as real events carry; `SQSRecord` types the key as an optional string.
      md5OfMessageAttributes: md5OfMessageAttributes(messageAttributes) as string,
      md5OfBody: md5OfBody(text),
      eventSource: 'aws:sqs',
      eventSourceARN,
      awsRegion: region,
    });
  }
  return records;
}

/** An opaque base64 receipt handle of a few hundred chars that starts `AQEB` (bytes 01 01 01), as real ones do. */
const receiptHandle = (e: Entropy): string => randomBase64(e, e.int(150, 270), RECEIPT_PREFIX);
const RECEIPT_PREFIX = [1, 1, 1] as const;

/** The SQS shape of producer attributes (`stringListValues`/`binaryListValues` are reserved and always `[]`). */
export function sqsMessageAttributes(specs: readonly AttributeSpec[], labelled = false): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const spec of specs) {
    const dataType = labelled && spec.type === 'Number' ? 'Number.int' : spec.type;
    out[spec.name] =
      spec.type === 'Binary'
        ? { binaryValue: spec.value, stringListValues: [], binaryListValues: [], dataType }
        : { stringValue: spec.value, stringListValues: [], binaryListValues: [], dataType };
  }
  return out;
}

/** One producer per batch: a queue subscribed to one topic, or notified by one bucket. */
function bodyMaker(e: Entropy, kind: SqsBodyKind, region: string): (sent: number) => string {
  switch (kind) {
    case 'json':
      return (sent) => jsonMessage(e, sent);
    case 'text':
      return () => textMessage(e);
    case 'sns': {
      const subscription = snsSubscription(e, region);
      const makers = attributeMakers(e, e.bool(0.5) ? 0 : e.int(1, 3));
      return (sent) => {
        const json = e.bool(0.7);
        return sqsEnvelopeBody(
          snsNotification(e, {
            message: json ? jsonMessage(e, sent) : textMessage(e),
            subject: e.bool(0.5) ? null : e.pick(['Order created', 'User event', 'Nightly export finished', 'ALARM: "HighErrorRate" in EU (Ireland)']),
            attributes: makers.map((make) => make(e)),
            subscription,
            epoch: sent - e.int(5, 400),
          }),
        );
      };
    }
    case 's3': {
      const bucket = s3BucketName(e);
      const versioned = e.bool(0.3);
      return (sent) =>
        JSON.stringify({ Records: [s3Record(e, { eventName: e.pick(S3_EVENT_NAMES), versioned, region, epoch: sent - e.int(50, 900), bucket })] });
    }
  }
}

// Content-based deduplication ids are the body's SHA-256; one-shot `crypto.hash` where Node has it (≥ 20.12).
const sha256Hex = (text: string): string =>
  typeof crypto.hash === 'function' ? crypto.hash('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');

interface FifoState {
  sequence: bigint;
  readonly groups: readonly string[];
  readonly contentBased: boolean;
}

function newFifoState(e: Entropy, count: number): FifoState {
  const group = (): string => e.pick([() => `customer-${e.int(1, 9999)}`, () => randomUuid(e), () => `tenant-${e.alnumLower(6)}`, () => 'default'])();
  return {
    // 20-digit decimal sequence numbers, as FIFO queues assign them; increasing across the batch, hence per group.
    sequence: BigInt(`18${e.digits(18)}`),
    groups: Array.from({ length: e.int(1, Math.min(3, count)) }, group),
    contentBased: e.bool(),
  };
}
