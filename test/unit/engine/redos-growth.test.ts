import { describe, expect, it } from 'vitest';
import { shortenedPump } from '../../../src/engine/redos-growth.js';

describe('shortenedPump', () => {
  it.each([
    [`${'a'.repeat(32)}!efz0123456789ab`, `aa!efz0123456789ab`],
    [`efz0123456789ab${' '.repeat(100_000)}!`, `efz0123456789ab${' '.repeat(6_250)}!`],
    [`x${'1'.repeat(29)}!`, `x1!`],
  ])('cuts the longest run to a sixteenth, keeping what is around it', (payload, expected) => {
    expect(shortenedPump(payload)).toBe(expected);
  });

  it('has nothing to cut in a payload without a long run', () => {
    expect(shortenedPump(';efzcanary efz0123456789ab')).toBeUndefined();
    expect(shortenedPump('a'.repeat(15))).toBeUndefined();
  });
});
