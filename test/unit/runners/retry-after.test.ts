import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../../src/runners/retry-after.js';

const at = Date.UTC(2026, 11, 3, 18, 0, 0);
const http = (ms: number): string => new Date(ms).toUTCString();

describe('retryAfterMs', () => {
  it('delay-seconds: digits only, as milliseconds', () => {
    expect(retryAfterMs('0', undefined, at)).toBe(0);
    expect(retryAfterMs('7', undefined, at)).toBe(7000);
    expect(retryAfterMs(' 120 ', undefined, at)).toBe(120_000);
  });

  it('an HTTP-date, measured from the answer own Date header (the server clock), not from ours', () => {
    expect(retryAfterMs(http(at + 5000), http(at), at + 999_000)).toBe(5000);
  });

  it('an HTTP-date without a Date header, measured from when the answer came; a past date is no wait', () => {
    expect(retryAfterMs(http(at + 3000), undefined, at)).toBe(3000);
    expect(retryAfterMs(http(at - 3000), undefined, at)).toBe(0);
    // The obsolete forms HTTP still accepts.
    expect(retryAfterMs('Thursday, 03-Dec-26 18:00:04 GMT', undefined, at)).toBe(4000);
    expect(retryAfterMs('Thu Dec  3 18:00:02 2026', http(at), undefined)).toBe(2000);
  });

  it('a date with nothing to measure it from is no answer', () => {
    expect(retryAfterMs(http(at + 3000), undefined, undefined)).toBeUndefined();
  });

  it('neither form, or no header: undefined (the guard keeps to its own backoff)', () => {
    for (const value of [undefined, '', '-1', '1.5', '2 seconds', 'soon', '1e3', '12abc', 'Mon, 99 Foo 2026 00:00:00 GMT']) {
      expect(retryAfterMs(value, undefined, at)).toBeUndefined();
    }
  });

  it('repeated headers: the first counts', () => {
    expect(retryAfterMs(['2', '9'], undefined, at)).toBe(2000);
  });
});
