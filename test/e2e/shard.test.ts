import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FuzzOptions } from '../../src/api/fuzz.js';
import { fuzz } from '../../src/api/fuzz.js';
import type { FuzzReport } from '../../src/api/report.js';
import { cleanTempDirs, jsonFilesUnder, runCli, tempDir } from './helpers.js';

/*
 * Issue 10, "Done means": two shards of a seed find together what the unsharded run finds, on the examples. Each
 * shard runs the cases of its residue class; together they run exactly the cases of `--shard 1/1` (checked case
 * by case in test/unit/engine/shard.test.ts), and here they find the same bugs as the ordinary run too.
 */
const example = (path: string): URL => new URL(`../../examples/${path}`, import.meta.url);
const sample = (path: string): unknown => JSON.parse(readFileSync(example(path), 'utf8'));

const EXAMPLES: readonly (readonly [string, Omit<FuzzOptions, 'seed' | 'runs'>])[] = [
  ['02 S3 command injection', { handler: example('02-s3-command-injection/handler.mjs'), source: 's3' }],
  ['04 SNS crash', { handler: example('04-sns-crash/handler.cjs'), samples: [sample('04-sns-crash/event.json')] }],
  ['07 REST path traversal', { handler: example('07-apigw-path-traversal/handler.mjs'), samples: [sample('07-apigw-path-traversal/event.json')], categories: ['path-traversal'] }],
  ['12 REST error disclosure', { handler: example('12-apigw-error-disclosure/handler.mjs'), source: 'apigw-rest' }],
];

const bugs = (...reports: FuzzReport[]): string[] => [...new Set(reports.flatMap((r) => [...r.findings, ...r.baseline.problems].map((f) => `${f.oracle}|${f.signature}`)))].sort();

describe('--shard i/N on the examples', () => {
  it.each(EXAMPLES)('%s: shards 1/2 and 2/2 together find what the unsharded run finds', async (_name, options) => {
    // One after the other: in-process campaigns share the process's probes.
    const run = (shard?: { index: number; count: number }) => fuzz({ ...options, seed: 1, runs: 300, runner: 'in-process', ...(shard === undefined ? {} : { shard }) });
    const whole = await run();
    const first = await run({ index: 1, count: 2 });
    const second = await run({ index: 2, count: 2 });
    expect(bugs(whole).length).toBeGreaterThan(0);
    expect(bugs(first, second)).toEqual(bugs(whole));
    expect(first.stats.runs + second.stats.runs).toBe(300);
    expect((first as { shard?: unknown }).shard).toEqual({ index: 1, count: 2 });
  }, 60_000);

  it('the CLI refuses a bad --shard and a shard without --seed, before anything runs', async () => {
    for (const bad of ['0/2', '3/2', 'a/b', '2']) {
      const result = await runCli(['fuzz', 'examples/02-s3-command-injection/safe.mjs', '--source', 's3', '--seed', '1', '--shard', bad]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--shard/);
      expect(result.stderr).not.toMatch(/fuzzing/);
    }
    const unseeded = await runCli(['fuzz', 'examples/02-s3-command-injection/safe.mjs', '--source', 's3', '--shard', '1/2', '--in-process', '--runs', '5']);
    expect(unseeded.code).toBe(2);
  });
});

describe('a CI matrix: shards, `corpus merge`, replay', () => {
  afterAll(cleanTempDirs);

  it('the corpora of shards 1/2 and 2/2 merge into one corpus (one entry per bug) that replays and fails while the bug is there', async () => {
    const dir = tempDir('efz-matrix-');
    for (const shard of ['1/2', '2/2']) {
      const corpus = join(dir, `shard-${shard[0]}`);
      const run = await runCli(['fuzz', 'examples/02-s3-command-injection/handler.mjs', '--source', 's3', '--seed', '1', '--runs', '300', '--shard', shard, '--in-process', '--corpus', corpus]);
      expect(run.code).toBe(1);
    }
    const merged = join(dir, 'corpus');
    const merge = await runCli(['corpus', 'merge', join(dir, 'shard-1'), join(dir, 'shard-2'), '--out', merged]);
    expect(merge.code).toBe(0);
    expect(merge.stdout).toMatch(/^merged 2 corpora into .*: 1 finding \(1 duplicate of 2 read\)/);
    expect(jsonFilesUnder(merged)).toHaveLength(1);
    const again = await runCli(['corpus', 'merge', join(dir, 'shard-2'), join(dir, 'shard-1'), '--out', merged, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ intoExisting: true, written: [], removed: [], findings: { kept: 1 } });

    const replay = await runCli(['replay', merged]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/REPRODUCES\s+command-injection/);
    const fixed = await runCli(['replay', merged, '--handler', 'examples/02-s3-command-injection/safe.mjs']);
    expect(fixed.code).toBe(0);
  }, 90_000);

  it('a damaged shard corpus is an error naming the file (exit 2), and nothing is written', async () => {
    const dir = tempDir('efz-matrix-');
    mkdirSync(join(dir, 'shard-1/s3'), { recursive: true });
    writeFileSync(join(dir, 'shard-1/s3/command-injection-0123456789ab.json'), '{"version": 1,');
    const merge = await runCli(['corpus', 'merge', join(dir, 'shard-1'), '--out', join(dir, 'corpus')]);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toMatch(/command-injection-0123456789ab\.json: not valid JSON/);
    expect(existsSync(join(dir, 'corpus'))).toBe(false);
  });
});
