import { afterEach, describe, expect, it } from 'vitest';
import { CANARY_PATTERN } from '../../src/core/index.js';
import type { CorpusEntry } from '../../src/corpus/entry.js';
import { cleanTempDirs, e2eFixture, foundLines, jsonFilesUnder, killSpawned, readJson, runCli, spawnCli, tempDir } from './helpers.js';

afterEach(async () => {
  await killSpawned();
  cleanTempDirs();
});

// Both local runners: the in-process one shares its process (and its stdout/stderr) with the handler.
describe.each([
  { runner: 'in-process', flags: ['--in-process'] },
  { runner: 'isolated', flags: ['--workers', '2'] },
])('a fuzz run ($runner) killed with SIGKILL keeps what it found', ({ flags }) => {
  it('every finding it announced is a complete corpus entry, and replay still reproduces it', async () => {
    const corpus = tempDir('efz-sigkill-');
    const handler = e2eFixture('throws-on-semicolon.mjs');
    const cli = spawnCli(['fuzz', handler, '--source', 'sqs', '--runs', '100000', '--seed', '3', '--corpus', corpus, ...flags]);
    try {
      // The first finding comes within a second or two; the announcement must be on stderr as it happens (the
      // console reporter's output is eventfuzz's, not the handler's: no runner may capture it as handler logs).
      await cli.waitForStderr(/^ {2}found /m, 10_000);
      // Let it go on a little (more findings, shrinking overwriting entries), then kill it without warning.
      await new Promise((resolve) => setTimeout(resolve, 150));
      cli.child.kill('SIGKILL');
      const ended = await cli.exited;
      expect(ended.signal).toBe('SIGKILL');
    } finally {
      await killSpawned();
    }

    const announced = foundLines(cli.stderr());
    expect(announced.length, cli.stderr()).toBeGreaterThan(0);
    const files = jsonFilesUnder(corpus);
    expect(files.length).toBeGreaterThanOrEqual(new Set(announced.map((f) => `${f.oracle}|${f.point}`)).size);
    const entries = files.map((file) => {
      const entry = readJson(file) as CorpusEntry; // throws on a half-written file
      expect(entry, file).toMatchObject({ version: 1, id: expect.any(String), target: { kind: 'local', ref: `${handler}#handler` }, seed: 3 });
      expect(entry.case.source).toBe('sqs');
      expect(entry.case.event).toMatchObject({ Records: expect.any(Array) });
      expect(entry.case.canary).toMatch(CANARY_PATTERN);
      expect(entry.finding.oracle).toBe('crash');
      return entry;
    });
    for (const found of announced) {
      // The line was printed after the entry was written: there is one for the same bug (oracle and point; the
      // payload may differ once shrinking has replaced the case with a simpler one).
      const match = entries.find((e) => e.finding.oracle === found.oracle && e.finding.injectionPoint === found.point);
      expect(match, `no corpus entry for announced finding ${JSON.stringify(found)}`).toBeDefined();
    }

    const replayed = await runCli(['replay', corpus]);
    expect(replayed.code, replayed.stderr + replayed.stdout).toBe(1);
    expect(replayed.stdout).toMatch(/^REPRODUCES {2}crash at /m);
    expect(replayed.stdout).toContain(`${files.length} of ${files.length} stored finding`);

    const fixed = await runCli(['replay', corpus, '--handler', e2eFixture('throws-on-semicolon-fixed.mjs')]);
    expect(fixed.code, fixed.stderr + fixed.stdout).toBe(0);
    expect(fixed.stdout).not.toMatch(/REPRODUCES/);
    expect(fixed.stdout).toContain(`0 of ${files.length} stored finding`);
  }, 40_000);
});
