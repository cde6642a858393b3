import type { S3Event, S3EventRecord } from 'aws-lambda';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { encodeS3Key } from '../../../../generators/codecs.js';
import { readAt, resolvePaths, writeAt } from '../../../../generators/inject.js';
import { s3, s3Event, S3_EVENT_NAMES } from '../../../../generators/sources/s3.js';

// Type level: the arbitrary produces the @types/aws-lambda event type.
expectTypeOf(s3Event()).toEqualTypeOf<fc.Arbitrary<S3Event>>();
const typed: S3Event = fc.sample(s3Event(), 1)[0]!;
void typed;

const RUNS = { numRuns: 1000 };
const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

function parses(event: unknown): void {
  const result = S3Schema.safeParse(event);
  expect(result.success, result.success ? '' : JSON.stringify(result.error.issues, null, 1)).toBe(true);
}

/** Every FIELDS.md §3 invariant a record must keep; returns the violations. */
function s3Issues(record: S3EventRecord): string[] {
  const issues: string[] = [];
  const { bucket, object } = record.s3;
  const o = object as Partial<typeof object>;
  if (record.eventVersion !== '2.1' || record.eventSource !== 'aws:s3' || record.s3.s3SchemaVersion !== '1.0') issues.push('versions/source');
  if (!(S3_EVENT_NAMES as readonly string[]).includes(record.eventName)) issues.push(`eventName ${record.eventName}`);
  if (bucket.arn !== `arn:aws:s3:::${bucket.name}` || !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket.name)) issues.push('bucket');
  if (record.eventName.startsWith('ObjectCreated:')) {
    if (typeof o.size !== 'number' || typeof o.eTag !== 'string') issues.push('created without size/eTag');
    const multipart = record.eventName === 'ObjectCreated:CompleteMultipartUpload';
    if (!(multipart ? /^[0-9a-f]{32}-\d+$/ : /^[0-9a-f]{32}$/).test(o.eTag ?? '')) issues.push(`eTag ${o.eTag}`);
    if (o.size === 0 && o.eTag !== 'd41d8cd98f00b204e9800998ecf8427e') issues.push('empty object eTag');
  } else if ('size' in object || 'eTag' in object) {
    issues.push('removed with size/eTag');
  }
  if (!/^[0-9A-F]{18}$/.test(o.sequencer ?? '')) issues.push('sequencer');
  if (Number.parseInt((o.sequencer ?? '').slice(2, 10), 16) !== Math.floor(Date.parse(record.eventTime) / 1000)) issues.push('sequencer time');
  if (/[ ]|%[0-9A-F]?[a-f]|%2F/.test(object.key) || encodeS3Key(decodeKey(object.key)) !== object.key) issues.push(`key encoding ${object.key}`);
  if (Buffer.byteLength(decodeKey(object.key)) > 1024) issues.push('key too long');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(record.eventTime)) issues.push('eventTime');
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(record.requestParameters.sourceIPAddress)) issues.push('sourceIPAddress');
  if (!/^[0-9A-F]{16}$/.test(record.responseElements['x-amz-request-id'])) issues.push('x-amz-request-id');
  if (!/^AWS:(AIDA[A-Z0-9]{17}|AROA[A-Z0-9]{17}:.+)$/.test(record.userIdentity.principalId)) issues.push('principalId');
  return issues;
}

describe('source: s3', () => {
  it('only generates events that Powertools accepts (S3Schema)', () => {
    fc.assert(fc.property(s3Event(), parses), RUNS);
  });

  it('keeps every invariant: one record, event family fields, key encoding, ARN, sequencer', () => {
    fc.assert(
      fc.property(s3Event(), (event) => {
        expect(event.Records).toHaveLength(1);
        expect(s3Issues(event.Records[0]!)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('has versionId exactly on versioned buckets', () => {
    fc.assert(fc.property(s3Event({ versioned: true }), (e) => typeof e.Records[0]!.s3.object.versionId === 'string'));
    fc.assert(fc.property(s3Event({ versioned: false }), (e) => !('versionId' in e.Records[0]!.s3.object)));
  });

  it('covers every event name and realistic keys (folders, spaces, parentheses, plus, unicode)', () => {
    const records = fc.sample(s3Event(), { numRuns: 2000, seed: 7 }).map((e) => e.Records[0]!);
    expect(new Set(records.map((r) => r.eventName))).toEqual(new Set(S3_EVENT_NAMES));
    const keys = records.map((r) => decodeKey(r.s3.object.key));
    for (const feature of [/\//, / /, /\(/, /\+/, /[^\x00-\x7f]/, /\d{4}\/\d\d\/\d\d\//, /=/]) expect(keys.some((k) => feature.test(k)), String(feature)).toBe(true);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(fc.sample(s3Event(), { seed: 42, numRuns: 5 })).toEqual(fc.sample(s3Event(), { seed: 42, numRuns: 5 }));
    expect(fc.sample(s3Event(), { seed: 42, numRuns: 5 })).not.toEqual(fc.sample(s3Event(), { seed: 43, numRuns: 5 }));
  });

  describe('injection', () => {
    const [point] = s3.injectionPoints;
    const weird = fc.oneof(
      fc.constantFrom('../../etc/passwd', 'a+b c (1)=%2F&x.pdf', ';echo efzcanary00001$((6*7))', 'résumé 😀/報告.txt', '%00\u0000\r\n', '?x=1#frag', ' leading space', 'x'.repeat(1024)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
    );

    it('declares the object key, written through the s3-key codec', () => {
      expect(s3.injectionPoints.map((p) => [p.path, p.kind])).toEqual([[['Records', '*', 's3', 'object', 'key', { codec: 's3-key' }], 'object-key']]);
    });

    it('accepts only keys S3 takes: 1..1024 UTF-8 bytes, well-formed', () => {
      expect(point!.accepts!('é'.repeat(512))).toBe(true);
      expect(point!.accepts!('é'.repeat(513))).toBe(false);
      expect(point!.accepts!('')).toBe(false);
      expect(point!.accepts!('a\uD800b')).toBe(false);
    });

    it('round-trips any accepted payload: decoded key equals it, the event stays valid, the input is untouched', () => {
      fc.assert(
        fc.property(s3Event(), weird.filter(point!.accepts!), (event, payload) => {
          const before = structuredClone(event);
          const paths = resolvePaths(event, point!.path);
          expect(paths).toHaveLength(1);
          const written = s3.sync(writeAt(event, paths[0]!, () => payload));
          expect(readAt(written, paths[0]!)).toBe(payload);
          parses(written);
          expect(s3Issues(written.Records[0]!)).toEqual([]);
          expect(event).toEqual(before);
        }),
        RUNS,
      );
    });

    it('sync changes nothing on a generated event', () => {
      fc.assert(fc.property(s3Event(), (event) => s3.sync(event) === event));
    });
  });
});
