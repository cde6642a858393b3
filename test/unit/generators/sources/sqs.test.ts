import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { S3Schema, SnsSqsNotificationSchema, SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { formatPath, readAt, resolvePaths, writeAt } from '../../../../generators/inject.js';
import type { ConcretePath, Path } from '../../../../generators/inject.js';
import { isXmlLegal } from '../../../../generators/primitives/limits.js';
import { formatSnsJson } from '../../../../generators/primitives/sns-envelope.js';
import { md5OfBody, md5OfMessageAttributes } from '../../../../generators/primitives/sqs-md5.js';
import { sqs, sqsEvent } from '../../../../generators/sources/sqs.js';

// Type level: the arbitrary produces the @types/aws-lambda event type.
expectTypeOf(sqsEvent()).toEqualTypeOf<fc.Arbitrary<SQSEvent>>();
const typed: SQSEvent = fc.sample(sqsEvent(), 1)[0]!;
void typed;

const RUNS = { numRuns: 1000 };
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const FIFO_KEYS = ['SequenceNumber', 'MessageGroupId', 'MessageDeduplicationId'] as const;

function parses(event: unknown): void {
  const result = SqsSchema.safeParse(event);
  expect(result.success, result.success ? '' : JSON.stringify(result.error.issues, null, 1)).toBe(true);
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};
const isEnvelope = (body: string): boolean => (parseJson(body) as { Type?: unknown } | undefined)?.Type === 'Notification';

/**
 * Every FIELDS.md §4 invariant a batch must keep; returns the violations. `forwarded: false` skips the rules of
 * SNS envelopes and S3 event bodies, for writes that model a sender forging the whole body (`body<json>.**`
 * reaches SNS's and S3's own fields).
 */
function sqsIssues(event: SQSEvent, { forwarded = true } = {}): string[] {
  const issues: string[] = [];
  const [first] = event.Records;
  if (first === undefined) return ['no records'];
  const fifo = first.eventSourceARN.endsWith('.fifo');
  if (fifo && event.Records.length > 10) issues.push('FIFO batch over 10');
  const lastSequence = new Map<string, bigint>();
  for (const r of event.Records) {
    const at = `${r.messageId}: `;
    if (r.eventSourceARN !== first.eventSourceARN || r.awsRegion !== first.awsRegion) issues.push(`${at}more than one queue`);
    if (r.eventSourceARN.split(':')[3] !== r.awsRegion || !/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?$/.test(r.eventSourceARN)) issues.push(`${at}ARN/region`);
    if (!UUID.test(r.messageId) || !/^AQEB[A-Za-z0-9+/=]{150,}$/.test(r.receiptHandle)) issues.push(`${at}ids`);
    if (r.body.length === 0 || !isXmlLegal(r.body)) issues.push(`${at}body not deliverable`);
    if (r.md5OfBody !== md5OfBody(r.body)) issues.push(`${at}md5OfBody`);
    if ((r.md5OfMessageAttributes ?? null) !== md5OfMessageAttributes(r.messageAttributes) || !('md5OfMessageAttributes' in r)) issues.push(`${at}md5OfMessageAttributes`);
    const attrs = r.attributes as unknown as Record<string, unknown>;
    if (Object.values(attrs).some((v) => typeof v !== 'string')) issues.push(`${at}non-string attribute`);
    if (Number(r.attributes.ApproximateFirstReceiveTimestamp) < Number(r.attributes.SentTimestamp)) issues.push(`${at}first receive before sent`);
    if (!/^[1-9]\d*$/.test(r.attributes.ApproximateReceiveCount)) issues.push(`${at}receive count`);
    if (FIFO_KEYS.some((k) => (attrs[k] !== undefined) !== fifo)) issues.push(`${at}FIFO attributes ⇔ .fifo`);
    if (fifo) {
      const sequence = r.attributes.SequenceNumber ?? '';
      if (!/^\d{20}$/.test(sequence)) issues.push(`${at}SequenceNumber`);
      const group = r.attributes.MessageGroupId!;
      if (lastSequence.has(group) && BigInt(sequence) <= lastSequence.get(group)!) issues.push(`${at}sequence not increasing in group`);
      lastSequence.set(group, BigInt(sequence));
    }
    if (r.attributes.AWSTraceHeader !== undefined && !/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$/.test(r.attributes.AWSTraceHeader)) issues.push(`${at}trace header`);
    for (const [name, a] of Object.entries(r.messageAttributes)) {
      const binary = a.dataType.startsWith('Binary');
      if ((a.stringValue !== undefined) === binary || (a.binaryValue !== undefined) !== binary) issues.push(`${at}${name}: value field vs dataType`);
      if (binary ? !BASE64.test(a.binaryValue ?? '') : (a.stringValue ?? '') === '') issues.push(`${at}${name}: value`);
      if (a.dataType.startsWith('Number') && !NUMBER.test(a.stringValue ?? '')) issues.push(`${at}${name}: Number not numeric`);
      if (a.stringListValues?.length !== 0 || a.binaryListValues?.length !== 0) issues.push(`${at}${name}: list values`);
    }
    if (forwarded && isEnvelope(r.body)) issues.push(...envelopeIssues(r).map((i) => at + i));
    const s3Body = parseJson(r.body) as { Records?: { eventSource?: unknown }[] } | undefined;
    if (forwarded && s3Body?.Records?.[0]?.eventSource === 'aws:s3' && !S3Schema.safeParse(s3Body).success) issues.push(`${at}S3 body`);
  }
  return issues;
}

/** SNS → SQS (no raw delivery): SNS's HTTP/SQS JSON, upper-case URL keys, SNS's own layout. */
function envelopeIssues(r: SQSRecord): string[] {
  const issues: string[] = [];
  const doc = JSON.parse(r.body) as Record<string, unknown>;
  const parsed = SnsSqsNotificationSchema.safeParse(doc);
  if (!parsed.success) issues.push(`SnsSqsNotificationSchema: ${JSON.stringify(parsed.error.issues)}`);
  if ('SigningCertUrl' in doc || 'UnsubscribeUrl' in doc || typeof doc['SigningCertURL'] !== 'string' || typeof doc['UnsubscribeURL'] !== 'string') issues.push('URL key spelling');
  if ('Subject' in doc && typeof doc['Subject'] !== 'string') issues.push('Subject present but not a string');
  if (formatSnsJson(doc) !== r.body) issues.push('not in SNS layout');
  const region = String(doc['TopicArn']).split(':')[3];
  if (!String(doc['UnsubscribeURL']).startsWith(`https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${String(doc['TopicArn'])}:`)) issues.push('UnsubscribeURL');
  if (!String(doc['SigningCertURL']).startsWith(`https://sns.${region}.amazonaws.com/SimpleNotificationService-`)) issues.push('SigningCertURL');
  return issues;
}

describe('source: sqs', () => {
  it('only generates events that Powertools accepts (SqsSchema)', () => {
    fc.assert(fc.property(sqsEvent(), parses), RUNS);
  });

  it('keeps every invariant: one queue, md5s, timestamps, FIFO attributes and order, attribute shapes', () => {
    fc.assert(fc.property(sqsEvent({ maxRecords: 12 }), (event) => {
        expect(sqsIssues(event)).toEqual([]);
      }), RUNS);
  });

  it('draws 1..maxRecords records and caps FIFO batches at 10', () => {
    fc.assert(fc.property(sqsEvent({ maxRecords: 4 }), (e) => e.Records.length >= 1 && e.Records.length <= 4));
    fc.assert(fc.property(sqsEvent({ maxRecords: 50, fifo: true, bodyKinds: ['json'] }), (e) => e.Records.length <= 10 && e.Records[0]!.eventSourceARN.endsWith('.fifo')));
    fc.assert(fc.property(sqsEvent({ fifo: false }), (e) => !e.Records[0]!.eventSourceARN.endsWith('.fifo')));
  });

  it('wraps SNS notifications in the envelope that SnsSqsNotificationSchema accepts', () => {
    fc.assert(
      fc.property(sqsEvent({ bodyKinds: ['sns'] }), (event) => {
        for (const r of event.Records) {
          expect(isEnvelope(r.body)).toBe(true);
          expect(envelopeIssues(r)).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('carries S3 event notifications as S3 event JSON', () => {
    fc.assert(
      fc.property(sqsEvent({ bodyKinds: ['s3'] }), (event) => {
        for (const r of event.Records) expect(S3Schema.safeParse(JSON.parse(r.body)).success).toBe(true);
      }),
    );
  });

  it('covers every body kind, FIFO and standard queues, and null and computed attribute md5s', () => {
    const records = fc.sample(sqsEvent(), { numRuns: 500, seed: 3 }).flatMap((e) => e.Records);
    expect(records.some((r) => isEnvelope(r.body))).toBe(true);
    expect(records.some((r) => (parseJson(r.body) as { Records?: unknown } | undefined)?.Records !== undefined)).toBe(true);
    expect(records.some((r) => parseJson(r.body) === undefined)).toBe(true);
    expect(records.some((r) => r.eventSourceARN.endsWith('.fifo'))).toBe(true);
    expect(records.some((r) => r.md5OfMessageAttributes === null)).toBe(true);
    expect(records.some((r) => Object.values(r.messageAttributes).some((a) => a.dataType === 'Binary'))).toBe(true);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(fc.sample(sqsEvent(), { seed: 42, numRuns: 5 })).toEqual(fc.sample(sqsEvent(), { seed: 42, numRuns: 5 }));
    expect(fc.sample(sqsEvent(), { seed: 42, numRuns: 5 })).not.toEqual(fc.sample(sqsEvent(), { seed: 43, numRuns: 5 }));
  });

  describe('injection', () => {
    const weird = fc.oneof(
      fc.constantFrom(
        ';echo efzcanary00001$((6*7))', '{"__proto__":{"polluted":"efz"}}', '../../etc/passwd', '<x>&amp;</x>]]>', 'line\r\nbreak', '\u0000\uFFFF\uD800',
        '-1e5', 'résumé 😀 報告', ' ', '"', 'x'.repeat(5000),
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
    );
    /** Which producer makes a point resolvable: SNS points need envelopes, S3 keys S3 bodies, FIFO ids FIFO queues. */
    const eventsFor = (path: Path): fc.Arbitrary<SQSEvent> => {
      const text = formatPath(path);
      if (text.startsWith('Records[*].body<json>.Message') || text === 'Records[*].body<json>.Subject') return sqsEvent({ bodyKinds: ['sns'] });
      if (text.includes('.s3.object.key')) return sqsEvent({ bodyKinds: ['s3'] });
      if (text.startsWith('Records[*].attributes.')) return sqsEvent({ fifo: true, bodyKinds: ['json', 'text'] });
      if (text.includes('messageAttributes')) return sqsEvent({ bodyKinds: ['json', 'text'], maxMessageAttributes: 8 });
      return sqsEvent();
    };

    it('declares the attacker-controlled fields of FIELDS.md §4', () => {
      expect(sqs.injectionPoints.map((p) => formatPath(p.path))).toEqual([
        'Records[*].body',
        'Records[*].body<json>.**',
        'Records[*].body<json>.Message',
        'Records[*].body<json>.Message<json>.**',
        'Records[*].body<json>.Subject',
        'Records[*].body<json>.Records[*].s3.object.key<s3-key>',
        'Records[*].messageAttributes[*].stringValue',
        'Records[*].attributes.MessageGroupId',
        'Records[*].attributes.MessageDeduplicationId',
      ]);
    });

    it('guards what AWS would not deliver', () => {
      const accepts = (index: number, value: string): boolean => sqs.injectionPoints[index]!.accepts!(value);
      expect([accepts(0, 'ok'), accepts(0, ''), accepts(0, 'a\u0000'), accepts(0, '\uFFFE'), accepts(0, 'a\uD800')]).toEqual([true, false, false, false, false]);
      expect([accepts(1, '\u0000'), accepts(1, ''), accepts(1, '\uFFFF')]).toEqual([true, true, false]);
      expect([accepts(4, 'Re: hi'), accepts(4, 'a\nb'), accepts(4, 'é'), accepts(4, 'x'.repeat(100))]).toEqual([true, false, false, false]);
      expect([accepts(7, 'group-1'), accepts(7, 'a b'), accepts(7, 'x'.repeat(129))]).toEqual([true, false, false]);
    });

    it.each(sqs.injectionPoints.map((p) => [formatPath(p.path), p] as const))('%s: round-trips a payload, keeps md5s and validity', (_name, point) => {
      let resolved = 0;
      fc.assert(
        fc.property(eventsFor(point.path), weird.filter((v) => point.accepts?.(v) ?? true), fc.nat(), (event, payload, pick) => {
          const paths = resolvePaths(event, point.path);
          fc.pre(paths.length > 0);
          resolved++;
          const before = structuredClone(event);
          const target: ConcretePath = paths[pick % paths.length]!;
          const written = sqs.sync(writeAt(event, target, () => payload));
          expect(readAt(written, target)).toBe(payload);
          parses(written);
          expect(sqsIssues(written, { forwarded: formatPath(point.path) !== 'Records[*].body<json>.**' })).toEqual([]);
          expect(event).toEqual(before);
        }),
        { numRuns: 300 },
      );
      expect(resolved).toBeGreaterThan(50);
    });

    it('sync returns the same event when nothing changed, and copies only the changed record', () => {
      fc.assert(fc.property(sqsEvent(), (event) => sqs.sync(event) === event));
      fc.assert(
        fc.property(sqsEvent({ maxRecords: 3 }), (event) => {
          const written = sqs.sync(writeAt(event, ['Records', 0, 'body'], () => 'changed'));
          expect(written.Records[0]!.md5OfBody).toBe(md5OfBody('changed'));
          written.Records.slice(1).forEach((r, i) => expect(r).toBe(event.Records[i + 1]));
        }),
      );
    });

    it('sync recomputes derived fields of records it has not seen (cloned and edited events)', () => {
      fc.assert(
        fc.property(sqsEvent({ bodyKinds: ['json', 'text'], maxMessageAttributes: 4 }), fc.string({ minLength: 1 }).filter(isXmlLegal), (event, text) => {
          const clone = structuredClone(event);
          const record = clone.Records[clone.Records.length - 1]!;
          record.body = text;
          for (const attribute of Object.values(record.messageAttributes)) if (attribute.dataType === 'String') attribute.stringValue = text;
          expect(sqsIssues(sqs.sync(clone))).toEqual([]);
        }),
      );
    });

    it('retypes a Number attribute that no longer holds a number as String', () => {
      const [event] = fc.sample(sqsEvent({ bodyKinds: ['json'], maxMessageAttributes: 8 }).filter((e) => Object.values(e.Records[0]!.messageAttributes).some((a) => a.dataType.startsWith('Number'))), { seed: 1, numRuns: 1 });
      const name = Object.entries(event!.Records[0]!.messageAttributes).find(([, a]) => a.dataType.startsWith('Number'))![0];
      const written = sqs.sync(writeAt(event!, ['Records', 0, 'messageAttributes', name, 'stringValue'], () => '$(id)'));
      expect(written.Records[0]!.messageAttributes[name]!.dataType.startsWith('String')).toBe(true);
      expect(sqsIssues(written)).toEqual([]);
    });
  });
});
