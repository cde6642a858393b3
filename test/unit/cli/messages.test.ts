import { describe, expect, it } from 'vitest';
import { plural, replaySummary, sourceMismatchWarnings } from '../../../src/cli/messages.js';

describe('CLI wording', () => {
  it('plural', () => {
    expect([0, 1, 2].map((n) => plural(n, 'worker'))).toEqual(['0 workers', '1 worker', '2 workers']);
  });

  it.each([
    [0, 1, '0 of 1 stored finding still reproduces.'],
    [1, 1, '1 of 1 stored finding still reproduces.'],
    [0, 3, '0 of 3 stored findings still reproduce.'],
    [1, 3, '1 of 3 stored findings still reproduces.'],
    [2, 3, '2 of 3 stored findings still reproduce.'],
    [3, 3, '3 of 3 stored findings still reproduce.'],
  ])('replay summary: %i of %i', (still, total, text) => {
    expect(replaySummary(still, total)).toBe(text);
  });

  it('warns when a sample looks like another source than --source, and only then', () => {
    const sqs = { Records: [{ eventSource: 'aws:sqs', body: '{}' }] };
    const s3 = { Records: [{ eventSource: 'aws:s3', s3: {} }] };
    const custom = { orderId: '42' };
    expect(sourceMismatchWarnings('sqs', [{ file: 'b.json', events: [s3] }])).toEqual(['eventfuzz: warning: --sample b.json looks like a s3 event, not sqs\n']);
    expect(sourceMismatchWarnings('sqs', [{ file: 'a.json', events: [sqs] }])).toEqual([]);
    expect(sourceMismatchWarnings('sqs', [{ file: 'c.json', events: [custom] }])).toEqual([]);
    expect(sourceMismatchWarnings(undefined, [{ file: 'b.json', events: [s3] }])).toEqual([]);
  });
});
