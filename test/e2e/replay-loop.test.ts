import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, jsonFilesUnder, runCli, tempDir } from './helpers.js';

afterAll(cleanTempDirs);

const VULNERABLE = 'examples/02-s3-command-injection/handler.mjs';
const FIXED = 'examples/02-s3-command-injection/safe.mjs';

describe('the regression loop: fuzz, fix, replay, break again, prune', () => {
  it('a found bug replays (exit 1) until fixed (exit 0, named fixed), again when broken, and --prune drops only fixed entries', async () => {
    const corpus = join(tempDir(), 'corpus');
    const found = await runCli(['fuzz', VULNERABLE, '--source', 's3', '--runs', '300', '--seed', '1', '--in-process', '--corpus', corpus]);
    expect(found.code, found.stderr).toBe(1);
    const entries = jsonFilesUnder(corpus);
    expect(entries.length).toBeGreaterThan(0);

    const broken = await runCli(['replay', corpus, '--in-process']);
    expect(broken.code, broken.stdout).toBe(1);
    expect(broken.stdout).toMatch(/^REPRODUCES {2}command-injection at /m);

    const fixed = await runCli(['replay', corpus, '--in-process', '--handler', FIXED]);
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(fixed.stdout).toMatch(/^fixed +command-injection at /m);
    expect(fixed.stdout).toMatch(/0 of \d+ stored findings? still reproduces?\./);

    const again = await runCli(['replay', corpus, '--in-process', '--handler', VULNERABLE]);
    expect(again.code).toBe(1);

    // Pruning against the broken handler keeps what still fails; against the fixed one it empties the corpus.
    const keep = await runCli(['replay', corpus, '--in-process', '--prune']);
    expect(keep.code).toBe(1);
    const stillFailing = entries.filter((file) => existsSync(file));
    expect(stillFailing.length).toBeGreaterThan(0);
    const pruned = await runCli(['replay', corpus, '--in-process', '--handler', FIXED, '--prune']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^Pruned \d+ fixed entr(y|ies): /m);
    expect(jsonFilesUnder(corpus)).toEqual([]);
  });
});
