import { describe, expect, it } from 'vitest';
import { checkSampleSources, plural, replaySummary } from '../../../src/cli/messages.js';

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

  it('refuses a sample of another source than --source, naming file and event; custom events and no --source pass', () => {
    const sqs = { Records: [{ eventSource: 'aws:sqs', body: '{}' }] };
    const s3 = { Records: [{ eventSource: 'aws:s3', s3: {} }] };
    const custom = { orderId: '42' };
    expect(() => checkSampleSources('sqs', [{ file: 'b.json', events: [s3] }])).toThrow(
      '--sample b.json is a s3 event, not sqs: give a sqs sample, or leave out --source and eventfuzz fuzzes it as s3.',
    );
    expect(() => checkSampleSources('sqs', [{ file: 'm.json', events: [sqs, s3] }])).toThrow(/--sample m\.json \(event \[1\]\) is a s3 event/);
    expect(() => checkSampleSources('sqs', [{ file: 'a.json', events: [sqs] }])).not.toThrow();
    expect(() => checkSampleSources('sqs', [{ file: 'c.json', events: [custom] }])).not.toThrow();
    expect(() => checkSampleSources(undefined, [{ file: 'b.json', events: [s3] }])).not.toThrow();
  });
});
