import { describe, expect, it } from 'vitest';
import { detectSource } from '../../../../generators/sample/index.js';
import { eventFixture, eventFixtureNames } from '../../../helpers/event-fixtures.js';

describe('detectSource', () => {
  // Fixtures live in test/fixtures/events/<source>/: the directory is the answer; `other/` holds sources
  // eventfuzz does not model (ALB, EventBridge, Kinesis, …), which are handled as custom events.
  it.each(eventFixtureNames())('%s', (name) => {
    const dir = name.split('/')[0]!;
    expect(detectSource(eventFixture(name))).toBe(dir === 'other' ? undefined : dir);
  });

  it.each<[string, unknown]>([
    ['a custom event', { user: { name: 'a' } }],
    ['an empty batch', { Records: [] }],
    ['a batch of another source', { Records: [{ eventSource: 'aws:kinesis' }] }],
    ['a number', 42],
    ['null', null],
    ['an array', [{ Records: [] }]],
    ['an HTTP-like event without requestContext', { version: '2.0', rawPath: '/' }],
  ])('%s → undefined', (_label, sample) => {
    expect(detectSource(sample)).toBeUndefined();
  });

  it('reads an HTTP API payload 1.0 event as REST (same shape)', () => {
    expect(detectSource({ version: '1.0', resource: '/', httpMethod: 'GET', path: '/', requestContext: {} })).toBe('apigw-rest');
  });
});
