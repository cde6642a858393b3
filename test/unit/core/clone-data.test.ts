import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { cloneData } from '../../../src/core/clone-data.js';

describe('cloneData', () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>)['efzpolluted'];
  });

  it('equals the original and shares nothing with it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = cloneData(value);
        expect(copy).toStrictEqual(value);
        if (typeof value === 'object' && value !== null) expect(copy).not.toBe(value);
      }),
    );
  });

  it('a mutation of the copy does not reach the original', () => {
    const event = { Records: [{ body: 'a', attributes: { n: '1' } }] };
    const copy = cloneData(event);
    copy.Records[0]!.attributes.n = '2';
    copy.Records.push({ body: 'b', attributes: { n: '3' } });
    expect(event).toEqual({ Records: [{ body: 'a', attributes: { n: '1' } }] });
  });

  it('does not copy properties a polluted Object.prototype makes visible', () => {
    (Object.prototype as Record<string, unknown>)['efzpolluted'] = 'yes';
    const copy = cloneData({ a: { b: 1 } });
    expect(Object.keys(copy.a)).toEqual(['b']);
    expect(Object.hasOwn(copy, 'efzpolluted')).toBe(false);
  });

  it('keeps a __proto__ key as data instead of setting the prototype', () => {
    const event = JSON.parse('{"body":{"__proto__":{"admin":true}}}') as { body: Record<string, unknown> };
    const copy = cloneData(event);
    expect(Object.getPrototypeOf(copy.body)).toBe(Object.prototype);
    expect(Object.hasOwn(copy.body, '__proto__')).toBe(true);
    expect((copy.body as { admin?: unknown }).admin).toBeUndefined();
    expect(JSON.stringify(copy)).toBe(JSON.stringify(event));
  });

  it('falls back to structuredClone for non-plain values', () => {
    const date = new Date(0);
    const copy = cloneData({ when: date });
    expect(copy.when).toEqual(date);
    expect(copy.when).not.toBe(date);
  });
});
