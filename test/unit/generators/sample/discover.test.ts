import { describe, expect, it } from 'vitest';
import { formatPath, readAt, writeAt } from '../../../../generators/inject.js';
import type { ConcretePath } from '../../../../generators/inject.js';
import { detectSource, discoverInjectionPoints, samplePoints } from '../../../../generators/sample/index.js';
import { deepFreeze, eventFixture, eventFixtureNames } from '../../../helpers/event-fixtures.js';

const formatted = (sample: unknown): string[] => discoverInjectionPoints(sample).map(formatPath);

/** Every string leaf of the envelope (not decoding anything), formatted. */
function envelopeStrings(value: unknown, path: (string | number)[] = []): string[] {
  if (typeof value === 'string') return [formatPath(path)];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => envelopeStrings(child, [...path, Array.isArray(value) ? Number(key) : key]));
}

/** The envelope field a point lies in: its path up to the first codec. */
function envelopeField(path: ConcretePath): string {
  const codec = path.findIndex((segment) => typeof segment === 'object');
  return formatPath(codec === -1 ? path : path.slice(0, codec));
}

const CUSTOM = { user: { name: 'a', tags: ['x', 'y'] }, note: '{"inner":"z"}' };

describe('discoverInjectionPoints: API Gateway REST (apigw-rest/proxy)', () => {
  const sample = deepFreeze(eventFixture('apigw-rest/proxy'));
  const points = formatted(sample);

  // FIELDS.md §1 "Who controls what": what API Gateway and CloudFront set, whatever the client sends
  const awsHeaders = [
    'CloudFront-Forwarded-Proto', 'CloudFront-Is-Desktop-Viewer', 'CloudFront-Is-Mobile-Viewer', 'CloudFront-Is-SmartTV-Viewer',
    'CloudFront-Is-Tablet-Viewer', 'CloudFront-Viewer-ASN', 'CloudFront-Viewer-Country', 'Host', 'Via', 'X-Amz-Cf-Id',
    'X-Forwarded-Port', 'X-Forwarded-Proto',
  ];
  const awsSet = [
    'resource',
    'httpMethod',
    ...awsHeaders.flatMap((h) => [formatPath(['headers', h]), formatPath(['multiValueHeaders', h, 0])]),
    ...['resourceId', 'resourcePath', 'httpMethod', 'extendedRequestId', 'requestTime', 'accountId', 'protocol', 'stage', 'domainPrefix', 'requestId', 'domainName', 'deploymentId', 'apiId'].map((k) => `requestContext.${k}`),
    'requestContext.identity.sourceIp',
  ];

  it('targets every attacker-controlled string and no AWS-set one', () => {
    const targeted = new Set(discoverInjectionPoints(sample).map(envelopeField));
    const all = envelopeStrings(sample);
    expect(awsSet.filter((field) => targeted.has(field))).toEqual([]);
    expect(all.filter((field) => !targeted.has(field)).sort()).toEqual([...awsSet].sort());
  });

  it('descends into the JSON body and into each cookie of the Cookie header', () => {
    expect(points).toEqual(expect.arrayContaining(['body', 'body<json>.sku', 'headers.Cookie', 'headers.Cookie<cookie-header>.session', 'headers.Cookie<cookie-header>.theme', 'multiValueHeaders.Cookie[0]<cookie-header>.theme']));
    expect(points).not.toContain('body<json>.quantity'); // a number: retyped by type confusion, not injected
  });

  it('keeps the client-side fields API Gateway mirrors into requestContext', () => {
    expect(points).toEqual(expect.arrayContaining(['requestContext.path', 'requestContext.identity.userAgent', 'path', 'pathParameters.orderId', 'queryStringParameters.q', 'multiValueQueryStringParameters.tag[1]']));
  });

  it('leaves out the signed SigV4 headers of an IAM-authorised request', () => {
    const iam = formatted(eventFixture('apigw-rest/iam-auth'));
    expect(iam.filter((p) => /x-amz-(date|security-token|content-sha256)/i.test(p))).toEqual([]);
    expect(iam).toContain('headers.User-Agent');
  });
});

describe('discoverInjectionPoints: API Gateway HTTP', () => {
  it('reaches cookies[] through cookie-pair and never the AWS-set headers', () => {
    const points = formatted(eventFixture('apigw-http/proxy'));
    expect(points).toEqual(expect.arrayContaining(['rawPath', 'rawQueryString', 'cookies[0]<cookie-pair>', 'cookies[1]<cookie-pair>', 'body<json>.sku', 'requestContext.http.userAgent']));
    expect(points.filter((p) => /^(version|routeKey|requestContext\.(?!http\.(path|userAgent)$))|headers\.(host|content-length|x-forwarded-p)|^cookies\[\d\]$/.test(p))).toEqual([]);
  });

  it('reaches a base64 body through http-body, and JSON inside it', () => {
    expect(formatted(eventFixture('apigw-http/binary-body'))).toContain('body<http-body>');
    const json = { ...(eventFixture('apigw-http/binary-body') as object), body: Buffer.from('{"name":"n"}').toString('base64') };
    expect(formatted(json)).toEqual(expect.arrayContaining(['body<http-body>', 'body<http-body><json>.name']));
    expect(formatted(json)).not.toContain('body');
  });

  it('leaves out an Authorization header that an authorizer already validated', () => {
    expect(formatted(eventFixture('apigw-http/jwt-authorizer'))).not.toContain('headers.authorization');
  });
});

describe('discoverInjectionPoints: SQS, S3, SNS', () => {
  it('SQS: body leaves, string message attributes, FIFO-free attributes the sender sets', () => {
    expect(formatted(eventFixture('sqs/standard'))).toEqual([
      'Records[0].body',
      'Records[0].body<json>.orderId',
      'Records[0].body<json>.status',
      'Records[0].attributes.AWSTraceHeader',
      'Records[0].messageAttributes.eventType.stringValue',
      // `priority` is a Number attribute: a target, but only for numbers (SQS rejects anything else)
      'Records[0].messageAttributes.priority.stringValue',
      'Records[0].messageAttributes.checksum.binaryValue<base64>',
      'Records[1].body',
    ]);
  });

  it('SQS FIFO: the group and deduplication ids are the sender’s', () => {
    expect(formatted(eventFixture('sqs/fifo'))).toEqual(expect.arrayContaining(['Records[0].attributes.MessageGroupId', 'Records[1].attributes.MessageDeduplicationId']));
    expect(formatted(eventFixture('sqs/fifo')).filter((p) => p.includes('SequenceNumber'))).toEqual([]);
  });

  it('SQS: an SNS envelope in the body and the JSON Message inside it', () => {
    const sns = { Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: '{"orderId":"o-1"}' };
    const sample = { Records: [{ body: JSON.stringify(sns), eventSource: 'aws:sqs', messageId: 'm' }] };
    expect(formatted(sample)).toContain('Records[0].body<json>.Message<json>.orderId');
  });

  it('S3: only the object key, through s3-key', () => {
    const sample = eventFixture('s3/put');
    const points = discoverInjectionPoints(sample);
    expect(points.map(formatPath)).toEqual(['Records[0].s3.object.key<s3-key>']);
    expect(readAt(sample, points[0]!)).toBe('uploads/2024/Annual Report (2024) + notes.pdf');
  });

  it('SNS: Subject, Message (and its JSON), attribute values; binary ones through base64', () => {
    expect(formatted(eventFixture('sns/notification'))).toEqual([
      'Records[0].Sns.Subject',
      'Records[0].Sns.Message',
      'Records[0].Sns.Message<json>.orderId',
      'Records[0].Sns.Message<json>.status',
      'Records[0].Sns.MessageAttributes.eventType.Value',
      'Records[0].Sns.MessageAttributes.priority.Value',
      'Records[0].Sns.MessageAttributes.checksum.Value<base64>',
    ]);
  });
});

describe('discoverInjectionPoints: custom events', () => {
  it('targets every string, inside JSON-in-string fields too', () => {
    expect(formatted(CUSTOM)).toEqual(['user.name', 'user.tags[0]', 'user.tags[1]', 'note', 'note<json>.inner']);
    expect(discoverInjectionPoints(CUSTOM).map((p) => readAt(CUSTOM, p))).toEqual(['a', 'x', 'y', '{"inner":"z"}', 'z']);
  });

  it('a string holding a JSON scalar stays text; nested arrays of objects are walked', () => {
    expect(formatted({ n: '5', s: '"quoted"', list: [{ deep: [['v']] }] })).toEqual(['n', 's', 'list[0].deep[0][0]']);
  });

  it('applies the rules of the source it is given, whatever the sample looks like', () => {
    // explicitly a different source: SQS rules find no attacker field in an S3 event
    expect(discoverInjectionPoints(eventFixture('s3/put'), 'sqs')).toEqual([]);
  });
});

describe('injecting a marker at every discovered point reads back the marker', () => {
  const marker = 'efzmarker0001 ;$(x) "\'<>%+ é';
  it.each([...eventFixtureNames(), 'custom'])('%s', (name) => {
    const sample = deepFreeze(name === 'custom' ? structuredClone(CUSTOM) : eventFixture(name));
    const before = JSON.stringify(sample);
    const points = samplePoints(sample);
    expect(points.length).toBeGreaterThan(0);
    for (const point of points) {
      const out = writeAt(sample, point, () => marker);
      expect(readAt(out, point), formatPath(point)).toBe(marker);
      expect(detectSource(out)).toBe(detectSource(sample));
    }
    expect(JSON.stringify(sample)).toBe(before);
  });
});
