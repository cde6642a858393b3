import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  it('replays the hand-written seed events beside the findings: one that crashes the handler fails the build, and --prune keeps seeds', async () => {
    const corpus = join(tempDir(), 'corpus');
    mkdirSync(join(corpus, 'seeds'), { recursive: true });
    const real = JSON.parse(readFileSync('test/fixtures/events/sqs/standard.json', 'utf8')) as { Records: Array<Record<string, unknown>> };
    const withBody = (body: unknown) => ({ Records: [{ ...real.Records[0]!, body: JSON.stringify(body) }] });
    writeFileSync(join(corpus, 'seeds', 'null-discount.json'), JSON.stringify(withBody({ id: 'o-1', discount: null })));
    writeFileSync(join(corpus, 'seeds', 'named.json'), JSON.stringify({ kind: 'seed', name: 'plain order', event: withBody({ id: 'o-2' }) }));

    const failing = await runCli(['replay', corpus, '--in-process', '--handler', 'test/fixtures/seeds/orders.mjs', '--prune']);
    expect(failing.code, failing.stdout).toBe(1);
    expect(failing.stdout).toMatch(/^SEED FAILS {2}sqs event {2}\S*null-discount\.json\n {12}Handler threw TypeError/m);
    expect(failing.stdout).toMatch(/^seed ok {5}plain order {2}/m);
    expect(failing.stdout).toMatch(/1 of 2 seed events shows a finding\./);
    expect(jsonFilesUnder(corpus)).toHaveLength(2);

    const passing = await runCli(['replay', corpus, '--in-process', '--handler', 'test/fixtures/seeds/orders-fixed.mjs']);
    expect(passing.code, passing.stdout).toBe(0);
    expect(passing.stdout).toMatch(/0 of 2 seed events show a finding\./);
  });
});
