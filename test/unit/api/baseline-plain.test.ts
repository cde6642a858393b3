import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventSources } from '../../../generators/index.js';
import { fuzz } from '../../../src/api/fuzz.js';
import type { FindingReplayOutcome } from '../../../src/api/replay.js';
import { replay } from '../../../src/api/replay.js';
import { summary } from '../../../src/reporters/console.js';

const fixture = (path: string): string => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));
const strict = fixture('engine/s3-strict-keys.mjs');
const crashTitles = (findings: readonly { oracle: string; title: string }[]) => findings.filter((f) => f.oracle === 'crash').map((f) => f.title).sort();

describe('baseline: the plainest event, hiding only itself (issue 7, point 4)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'efz-baseline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('invokes the plain event of the source: a strict handler passes it, and unusual keys are fuzz cases', async () => {
    const report = await fuzz({ handler: strict, source: 's3', seed: 1, runs: 300, categories: ['path-traversal'] });
    expect(report.baseline).toEqual({ events: 1, problems: [] });
    // The strict validation (unusual-but-valid keys) and the traversal guard (a payload) are two bugs, both found.
    expect(crashTitles(report.findings)).toEqual(['Handler threw Error', 'Handler threw RangeError']);
  });

  it('a sample the handler already fails on hides that failure only, not the other crash', async () => {
    const plain = eventSources.s3.plain();
    const record = plain.Records[0]!;
    const sample = { Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, key: 'uploads/Q3+budget+%5Bfinal%5D.csv' } } }] };
    const report = await fuzz({ handler: strict, samples: [sample], seed: 1, runs: 300, categories: ['path-traversal'] });
    expect(report.baseline.problems).toMatchObject([{ oracle: 'crash', title: 'Handler threw Error' }]);
    expect(crashTitles(report.findings)).toEqual(['Handler threw RangeError']);
  });

  it('stores a baseline failure in the corpus like any finding, so replay gates on it, and says so last', async () => {
    const corpusDir = join(dir, 'corpus');
    const report = await fuzz({ handler: fixture('handlers/throws.mjs'), source: 'sqs', seed: 1, runs: 20, corpusDir });
    expect(report.findings.filter((f) => f.oracle === 'crash')).toEqual([]);
    const [problem] = report.baseline.problems;
    expect(problem?.corpusFile).toMatch(/crash-[0-9a-f]{12}\.json$/);
    const outcomes = await replay({ paths: [corpusDir], runner: 'in-process' });
    expect(outcomes.filter((o): o is FindingReplayOutcome => o.kind === 'finding' && o.entry.finding.oracle === 'crash').map((o) => [o.entry.finding.injectionPoint, o.reproduces])).toEqual([[null, true]]);
    const lines = summary(report).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('No payload findings, but 1 baseline failure (crash on an unmodified event): exit 1. Repeat this run with --seed 1.');
    expect(summary(report)).not.toContain('No findings.');
  });
});
