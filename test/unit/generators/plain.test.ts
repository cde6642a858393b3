import { APIGatewayProxyEventSchema, APIGatewayProxyEventV2Schema, S3Schema, SnsSchema, SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import { eventSources } from '../../../generators/index.js';
import { resolveFields } from '../../../generators/inject.js';

const SCHEMAS = { 'apigw-rest': APIGatewayProxyEventSchema, 'apigw-http': APIGatewayProxyEventV2Schema, s3: S3Schema, sqs: SqsSchema, sns: SnsSchema } as const;

/** What an ordinary value of an attacker-controlled field may hold: printable ASCII, none of the characters the
 * generators use to make values unusual-but-valid (spaces in keys, brackets, quotes, unicode). Header values
 * (user agents) legitimately hold spaces and parentheses, so they are left to the schema. */
const ORDINARY = /^[\x21-\x7e]*$/;
const UNUSUAL = /[[\]'"\\<>{}`]/;

describe.each(Object.values(eventSources))('plain event: $id', (source) => {
  it('is valid under the Powertools schema, and the same on every call', () => {
    const plain = source.plain();
    const parsed = SCHEMAS[source.id].safeParse(plain);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
    expect(source.plain()).toEqual(plain);
  });

  it('holds only ordinary values in its attacker-controlled fields', () => {
    const plain = source.plain();
    for (const point of source.injectionPoints) {
      if (point.kind === 'header' || point.kind === 'subject') continue; // free text: spaces are ordinary there
      for (const field of resolveFields(plain, point.path)) {
        if (point.path.includes('**') || point.kind === 'message' || point.kind === 'body') continue; // checked below as JSON
        expect(field.value, `${JSON.stringify(field.path)}`).toMatch(ORDINARY);
        expect(field.value).not.toMatch(UNUSUAL);
      }
    }
  });
});

describe('plain event: the fields handlers read first', () => {
  it('s3: one Put of a plain key, unversioned', () => {
    const record = eventSources.s3.plain().Records[0]!;
    expect(record).toMatchObject({ eventName: 'ObjectCreated:Put', s3: { object: { key: 'uploads/report.csv' } } });
    expect(record.s3.object).not.toHaveProperty('versionId');
  });

  it('sqs and sns: one record carrying a small ASCII JSON message', () => {
    const sqs = eventSources.sqs.plain();
    const sns = eventSources.sns.plain();
    expect(sqs.Records).toHaveLength(1);
    expect(sqs.Records[0]!.messageAttributes).toEqual({});
    expect(JSON.parse(sqs.Records[0]!.body)).toEqual({ id: '1001', type: 'order.created', status: 'CREATED', quantity: 1 });
    expect(JSON.parse(sns.Records[0]!.Sns.Message)).toEqual(JSON.parse(sqs.Records[0]!.body));
    expect(sns.Records[0]!.Sns).toMatchObject({ Subject: 'Order created', MessageAttributes: {} });
  });

  it('apigw-rest and apigw-http: GET /orders without query string or body', () => {
    const rest = eventSources['apigw-rest'].plain();
    const http = eventSources['apigw-http'].plain();
    expect(rest).toMatchObject({ httpMethod: 'GET', resource: '/orders', queryStringParameters: null, body: null });
    expect(http).toMatchObject({ routeKey: 'GET /orders', rawQueryString: '' });
    expect(http.body).toBeUndefined();
  });
});
