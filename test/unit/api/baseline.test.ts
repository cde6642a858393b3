import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

const handler = (name: string): string => fileURLToPath(new URL(`../../fixtures/handlers/${name}`, import.meta.url));

describe('baseline: unmodified events before fuzzing', () => {
  it('reports a handler that already fails on a valid event, and keeps that failure out of the findings', async () => {
    const baselineEvents: number[] = [];
    const report = await fuzz({
      handler: handler('throws.mjs'),
      source: 'sqs',
      runs: 50,
      seed: 1,
      listener: { onBaseline: (baseline) => baselineEvents.push(baseline.events) },
    });
    expect(baselineEvents).toEqual([1]);
    expect(report.baseline.problems).toMatchObject([{ oracle: 'crash', title: 'Handler threw TypeError' }]);
    // Every case throws the same TypeError: without the baseline that is one finding per injection point.
    expect(report.findings.filter((f) => f.oracle === 'crash')).toEqual([]);
  });

  it('invokes each sample unmodified, and finds nothing wrong with a well-behaved handler', async () => {
    const samples = [{ Records: [{ body: 'a' }] }, { Records: [{ body: 'b' }] }];
    const report = await fuzz({ handler: handler('echo.mjs'), source: 'sqs', samples, runs: 10, seed: 1 });
    expect(report.baseline).toEqual({ events: 2, problems: [] });
  });
});
