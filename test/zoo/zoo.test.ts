import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../src/api/fuzz.js';
import type { Exhibit } from './exhibits.js';
import { at, untilFound, zoo } from './exhibits.js';

const run = (exhibit: Exhibit, file: string, stop?: ReturnType<typeof untilFound>) =>
  fuzz({
    ...stop,
    handler: at(file),
    source: exhibit.source,
    sampleFiles: [at(exhibit.sample)],
    seed: 7,
    runner: exhibit.isolated === true ? 'isolated' : 'in-process',
    timeoutMs: exhibit.isolated === true ? 1_000 : 3_000,
    // Hangs cost a deadline each (and a re-run to confirm them): the wall clock bounds the isolated exhibits,
    // generously, since a loaded CI machine runs 300 cases of a slow handler far slower than a quiet one.
    ...(exhibit.isolated === true ? { runs: 300, durationMs: 20_000 } : {}),
  });

const found: string[] = [];
const falsePositives: string[] = [];

describe('zoo: bugs in handlers other teams wrote', () => {
  it.each(zoo)('finds the $oracle in: $name', async (exhibit) => {
    const report = await run(exhibit, exhibit.handler, untilFound(exhibit.oracle));
    const oracles = [...report.findings.map((f) => f.oracle), ...report.baseline.problems.map((p) => p.oracle)];
    if (oracles.includes(exhibit.oracle)) found.push(exhibit.name);
    if (exhibit.knownMiss === undefined) expect(oracles).toContain(exhibit.oracle);
    else expect(oracles, `found now: drop knownMiss (${exhibit.knownMiss})`).not.toContain(exhibit.oracle);
  });

  it.each(zoo)('reports nothing on the fixed twin of: $name', async (exhibit) => {
    const report = await run(exhibit, exhibit.safe);
    const seen = [...report.findings, ...report.baseline.problems].map((f) => `${f.oracle}: ${f.title}`);
    if (seen.length > 0) falsePositives.push(exhibit.name);
    expect(seen).toEqual([]);
  });

  afterAll(() => {
    console.log(`zoo: ${found.length}/${zoo.length} bugs found, ${falsePositives.length}/${zoo.length} false positives on the fixed twins`);
  });
});
