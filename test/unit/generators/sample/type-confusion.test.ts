import { describe, expect, it } from 'vitest';
import { readAt } from '../../../../generators/inject.js';
import { sampleVariants } from '../../../../generators/sample/index.js';
import type { TypeConfusionVariant } from '../../../../generators/sample/index.js';
import { deepFreeze, eventFixture, eventFixtureNames } from '../../../helpers/event-fixtures.js';

const byTarget = (variants: readonly TypeConfusionVariant[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const v of variants) (out[v.target] ??= []).push(v.mutator);
  return out;
};

describe('sampleVariants: API Gateway REST', () => {
  const sample = deepFreeze(eventFixture('apigw-rest/proxy'));
  const variants = sampleVariants(sample);

  it('retypes only values inside the JSON body, and adds name[] query keys', () => {
    expect(byTarget(variants)).toEqual({
      'body<json>.sku': ['as-array', 'as-empty-object', 'as-object', 'as-number', 'as-boolean', 'as-null', 'as-empty-string'],
      'body<json>.quantity': ['as-array', 'as-empty-object', 'as-object', 'as-boolean', 'as-null', 'as-empty-string'],
      'queryStringParameters["tag[]"]': ['query-array-key'],
      'queryStringParameters["q[]"]': ['query-array-key'],
    });
  });

  it('writes the new value into the body JSON, leaving the sample unchanged', () => {
    const get = (mutator: string, target: string): TypeConfusionVariant => variants.find((v) => v.mutator === mutator && v.target === target)!;
    const body = (event: unknown): unknown => JSON.parse(readAt(event, ['body']) as string);
    expect(body(get('as-array', 'body<json>.sku').apply(sample))).toEqual({ sku: ['ABC-123'], quantity: 2 });
    expect(body(get('as-object', 'body<json>.quantity').apply(sample))).toEqual({ sku: 'ABC-123', quantity: { x: 'y' } });
    expect(body(get('as-null', 'body<json>.sku').apply(sample))).toEqual({ sku: null, quantity: 2 });
    expect(body(get('as-empty-string', 'body<json>.quantity').apply(sample))).toEqual({ sku: 'ABC-123', quantity: '' });
    expect(body(get('as-number', 'body<json>.sku').apply(sample))).toEqual({ sku: 0, quantity: 2 });
  });

  it('adds tag[] to both query maps, keeping them in agreement', () => {
    const out = variants.find((v) => v.target === 'queryStringParameters["tag[]"]')!.apply(sample);
    expect(readAt(out, ['queryStringParameters'])).toEqual({ tag: 'blue', q: 'hello world', 'tag[]': 'blue' });
    expect(readAt(out, ['multiValueQueryStringParameters', 'tag[]'])).toEqual(['red', 'blue']);
    expect(readAt(out, ['multiValueQueryStringParameters', 'tag'])).toEqual(['red', 'blue']);
  });
});

describe('sampleVariants: other sources', () => {
  it('HTTP API: name[] also goes into rawQueryString, brackets unencoded', () => {
    const sample = deepFreeze(eventFixture('apigw-http/proxy'));
    const out = sampleVariants(sample).find((v) => v.mutator === 'query-array-key' && v.target.includes('"q[]"'))!.apply(sample);
    expect(readAt(out, ['rawQueryString'])).toBe('tag=red&tag=blue&q=hello%20world&q[]=hello%20world');
    expect(readAt(out, ['queryStringParameters', 'q[]'])).toBe('hello world');
  });

  it('never changes the type of an AWS envelope field', () => {
    for (const name of eventFixtureNames().filter((n) => !n.startsWith('other/'))) {
      const envelopeOnly = sampleVariants(eventFixture(name)).filter((v) => v.mutator !== 'query-array-key' && !v.path.some((s) => typeof s === 'object' && s.codec === 'json'));
      expect(envelopeOnly.map((v) => v.target), name).toEqual([]);
    }
  });

  it('SQS: retypes inside the JSON body of each record', () => {
    const targets = Object.keys(byTarget(sampleVariants(eventFixture('sqs/standard'))));
    expect(targets).toEqual(['Records[0].body<json>.orderId', 'Records[0].body<json>.status']);
  });

  it('a sample with no JSON and no query string has none', () => {
    expect(sampleVariants(eventFixture('s3/put'))).toEqual([]);
    expect(sampleVariants(eventFixture('apigw-rest/no-body'))).toEqual([]);
  });
});

describe('sampleVariants: custom events', () => {
  const sample = deepFreeze({ user: { name: 'a', age: 3, admin: false, tags: ['x'] }, note: '{"inner":"z"}', gone: null });
  const variants = sampleVariants(sample);

  it('retypes every scalar, including a JSON string itself and the values inside it', () => {
    expect(Object.keys(byTarget(variants))).toEqual(['user.name', 'user.age', 'user.admin', 'user.tags[0]', 'note', 'note<json>.inner', 'gone']);
    expect(byTarget(variants)['user.admin']).not.toContain('as-boolean');
    expect(byTarget(variants)['gone']).not.toContain('as-null');
  });

  it('applies copy-on-write, and only to events that have the field', () => {
    const before = JSON.stringify(sample);
    for (const variant of variants) {
      const out = variant.apply(sample);
      expect(out).not.toBe(sample);
      expect(variant.apply({ other: 1 })).toEqual({ other: 1 });
    }
    expect(JSON.stringify(sample)).toBe(before);
    const inner = variants.find((v) => v.target === 'note<json>.inner' && v.mutator === 'as-array')!.apply(sample);
    expect(readAt(inner, ['note'])).toBe('{"inner":["z"]}');
  });
});
