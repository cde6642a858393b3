import type { SNSEvent } from 'aws-lambda';
import { S3Schema, SnsSchema } from '@aws-lambda-powertools/parser/schemas';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { formatPath, readAt, resolvePaths, writeAt } from '../../../../generators/inject.js';
import type { Path } from '../../../../generators/inject.js';
import { isSnsSubject, isXmlLegal } from '../../../../generators/primitives/limits.js';
import { sns, snsEvent } from '../../../../generators/sources/sns.js';

// Type level: the arbitrary produces the @types/aws-lambda event type.
expectTypeOf(snsEvent()).toEqualTypeOf<fc.Arbitrary<SNSEvent>>();
const typed: SNSEvent = fc.sample(snsEvent(), 1)[0]!;
void typed;

const RUNS = { numRuns: 1000 };
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ORDER = ['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertUrl', 'UnsubscribeUrl', 'MessageAttributes'];
const ATTRIBUTE_NAME = /^(?!\.|AWS\.|Amazon\.)(?!.*\.\.)[A-Za-z0-9_.-]{1,256}(?<!\.)$/;

function parses(event: unknown): void {
  const result = SnsSchema.safeParse(event);
  expect(result.success, result.success ? '' : JSON.stringify(result.error.issues, null, 1)).toBe(true);
}

/** Every FIELDS.md §5 invariant an event must keep; returns the violations. */
function snsIssues(event: SNSEvent): string[] {
  const issues: string[] = [];
  if (event.Records.length !== 1) return ['not exactly one record'];
  const record = event.Records[0]!;
  const n = record.Sns;
  if (Object.keys(record).join() !== 'EventSource,EventVersion,EventSubscriptionArn,Sns' || record.EventSource !== 'aws:sns' || record.EventVersion !== '1.0') issues.push('record keys');
  if (Object.keys(n).join() !== KEY_ORDER.join()) issues.push(`key order ${Object.keys(n).join()}`);
  if (n.Type !== 'Notification') issues.push('Type');
  const region = n.TopicArn.split(':')[3]!;
  if (!/^arn:aws:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(n.TopicArn)) issues.push('TopicArn');
  if (!new RegExp(`^${n.TopicArn}:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).test(record.EventSubscriptionArn)) issues.push('EventSubscriptionArn');
  if (n.UnsubscribeUrl !== `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${record.EventSubscriptionArn}`) issues.push('UnsubscribeUrl');
  if (!new RegExp(`^https://sns\\.${region}\\.amazonaws\\.com/SimpleNotificationService-[0-9a-f]{32}\\.pem$`).test(n.SigningCertUrl)) issues.push('SigningCertUrl');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(n.MessageId)) issues.push('MessageId');
  if (n.Subject !== null && !(typeof n.Subject === 'string' && isSnsSubject(n.Subject))) issues.push(`Subject ${JSON.stringify(n.Subject)}`);
  if (n.Message.length === 0 || !isXmlLegal(n.Message)) issues.push('Message not deliverable');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(n.Timestamp)) issues.push('Timestamp');
  if (!['1', '2'].includes(n.SignatureVersion) || n.Signature.length !== 344 || !BASE64.test(n.Signature)) issues.push('Signature');
  for (const [name, a] of Object.entries(n.MessageAttributes)) {
    if (!ATTRIBUTE_NAME.test(name)) issues.push(`attribute name ${name}`);
    if (Object.keys(a).join() !== 'Type,Value' || !['String', 'Binary'].includes(a.Type)) issues.push(`attribute ${name} shape`);
    if (a.Type === 'Binary' && !BASE64.test(a.Value)) issues.push(`attribute ${name} not base64`);
  }
  return issues;
}

describe('source: sns', () => {
  it('only generates events that Powertools accepts (SnsSchema)', () => {
    fc.assert(fc.property(snsEvent(), parses), RUNS);
  });

  it('keeps every invariant: one record, key order, ARNs and URLs agree, one region, subject rules', () => {
    fc.assert(
      fc.property(snsEvent(), (event) => {
        expect(snsIssues(event)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('spells the URL keys the Lambda way and never the SQS/HTTP way', () => {
    fc.assert(fc.property(snsEvent(), (e) => !('SigningCertURL' in e.Records[0]!.Sns) && !('UnsubscribeURL' in e.Records[0]!.Sns)));
  });

  it('publishes JSON, text and S3 notifications, with and without subject and attributes', () => {
    const events = fc.sample(snsEvent(), { numRuns: 500, seed: 5 }).map((e) => e.Records[0]!.Sns);
    expect(events.some((n) => n.Subject === null)).toBe(true);
    expect(events.some((n) => typeof n.Subject === 'string')).toBe(true);
    expect(events.some((n) => Object.keys(n.MessageAttributes).length === 0)).toBe(true);
    expect(events.some((n) => Object.values(n.MessageAttributes).some((a) => a.Type === 'Binary'))).toBe(true);
    expect(events.some((n) => !n.Message.startsWith('{'))).toBe(true);
    const s3 = events.filter((n) => n.Message.startsWith('{"Records"'));
    expect(s3.length).toBeGreaterThan(0);
    for (const n of s3) {
      expect(S3Schema.safeParse(JSON.parse(n.Message)).success).toBe(true);
      expect(JSON.parse(n.Message).Records[0].awsRegion).toBe(n.TopicArn.split(':')[3]);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(fc.sample(snsEvent(), { seed: 42, numRuns: 5 })).toEqual(fc.sample(snsEvent(), { seed: 42, numRuns: 5 }));
    expect(fc.sample(snsEvent(), { seed: 42, numRuns: 5 })).not.toEqual(fc.sample(snsEvent(), { seed: 43, numRuns: 5 }));
  });

  describe('injection', () => {
    const weird = fc.oneof(
      fc.constantFrom(
        ';echo efzcanary00001$((6*7))', '{"__proto__":{"polluted":"efz"}}', '../../etc/passwd', "' OR '1'='1", 'Re: [urgent] $(id)', 'line\r\nbreak',
        '\u0000\uFFFF', 'résumé 😀', 'Y2FmZQ==', 'x'.repeat(99), 'x'.repeat(3000),
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 120 }),
    );
    const eventsFor = (path: Path): fc.Arbitrary<SNSEvent> => {
      const text = formatPath(path);
      if (text.includes('.s3.object.key')) return snsEvent({ messageKinds: ['s3'] });
      if (text.includes('<json>')) return snsEvent({ messageKinds: ['json', 's3'] });
      return snsEvent({ maxMessageAttributes: 8 });
    };

    it('declares the attacker-controlled fields of FIELDS.md §5', () => {
      expect(sns.injectionPoints.map((p) => [formatPath(p.path), p.kind])).toEqual([
        ['Records[*].Sns.Message', 'message'],
        ['Records[*].Sns.Message<json>.**', 'message'],
        ['Records[*].Sns.Message<json>.Records[*].s3.object.key<s3-key>', 'object-key'],
        ['Records[*].Sns.Subject', 'subject'],
        ['Records[*].Sns.MessageAttributes[*].Value', 'attribute'],
      ]);
    });

    it('accepts only subjects SNS takes: ASCII, < 100 chars, no line breaks', () => {
      const subject = sns.injectionPoints[3]!.accepts!;
      expect([subject('Order created'), subject('x'.repeat(99)), subject('x'.repeat(100)), subject('a\nb'), subject('é'), subject(''), subject(' lead')]).toEqual([true, true, false, false, false, false, false]);
    });

    it.each(sns.injectionPoints.map((p) => [formatPath(p.path), p] as const))('%s: round-trips a payload and keeps the event valid', (_name, point) => {
      let resolved = 0;
      fc.assert(
        fc.property(eventsFor(point.path), weird.filter((v) => point.accepts?.(v) ?? true), fc.nat(), (event, payload, pick) => {
          const paths = resolvePaths(event, point.path);
          fc.pre(paths.length > 0);
          resolved++;
          const before = structuredClone(event);
          const target = paths[pick % paths.length]!;
          const written = sns.sync(writeAt(event, target, () => payload));
          expect(readAt(written, target)).toBe(payload);
          parses(written);
          expect(snsIssues(written)).toEqual([]);
          expect(event).toEqual(before);
        }),
        { numRuns: 300 },
      );
      expect(resolved).toBeGreaterThan(50);
    });

    it('sync retypes a Binary attribute that received text, and returns generated events unchanged', () => {
      fc.assert(fc.property(snsEvent(), (event) => sns.sync(event) === event));
      const [event] = fc.sample(snsEvent({ maxMessageAttributes: 8 }).filter((e) => Object.values(e.Records[0]!.Sns.MessageAttributes).some((a) => a.Type === 'Binary')), { seed: 1, numRuns: 1 });
      const name = Object.entries(event!.Records[0]!.Sns.MessageAttributes).find(([, a]) => a.Type === 'Binary')![0];
      const written = sns.sync(writeAt(event!, ['Records', 0, 'Sns', 'MessageAttributes', name, 'Value'], () => '<script>'));
      expect(written.Records[0]!.Sns.MessageAttributes[name]).toEqual({ Type: 'String', Value: '<script>' });
      expect(event!.Records[0]!.Sns.MessageAttributes[name]!.Type).toBe('Binary');
    });
  });
});
