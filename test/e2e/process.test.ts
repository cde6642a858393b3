import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, e2eFixture, killSpawned, readJson, spawnCli, tempDir } from './helpers.js';

afterEach(async () => {
  await killSpawned();
  cleanTempDirs();
});

/** The real binary, as a user runs it: `node src/cli/launch.js` registers tsx itself, outside vitest. */
describe('the eventfuzz binary', () => {
  it('--help exits 0', async () => {
    const cli = spawnCli(['--help']);
    try {
      const ended = await cli.exited;
      expect(ended, cli.stderr()).toEqual({ code: 0, signal: null });
      expect(cli.stdout()).toMatch(/Usage: eventfuzz/);
      expect(cli.stdout()).toMatch(/^\s+fuzz\b/m);
    } finally {
      await killSpawned();
    }
  });

  it.each([
    // Ctrl-C, what CI runners and `timeout` send on cancel, a closed terminal.
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('one %s stops a long run within seconds, with the summary printed and the report written', async (signal, stoppedCode) => {
    const dir = tempDir('efz-stop-');
    const report = join(dir, 'report.json');
    const cli = spawnCli(['fuzz', e2eFixture('safe.mjs'), '--source', 'sqs', '--runs', '10000000', '--seed', '5', '--workers', '2', '--corpus', join(dir, 'corpus'), '--report', report]);
    try {
      await cli.waitForStderr(/^eventfuzz: fuzzing .* with seed 5/m, 20_000);
      // Well into the campaign: the first plain progress line (after 1 s) with runs done. A fixed sleep was not
      // enough on a loaded CI machine, where the two workers had not finished a single run 1.5 s in.
      await cli.waitForStderr(/^eventfuzz: [1-9]\d* runs, /m, 25_000);
      expect(cli.child.exitCode).toBeNull();
      const interruptedAt = performance.now();
      cli.child.kill(signal);
      const ended = await Promise.race([cli.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 5_000))]);
      expect(ended, `${cli.stderr()}\n${cli.stdout()}`).not.toBe('still running');
      expect(performance.now() - interruptedAt).toBeLessThan(5_000);
      // Stopped by the user with nothing found: not a clean 0 (scripts must not mistake it for a full run).
      expect(ended).toEqual({ code: stoppedCode, signal: null });
    } finally {
      await killSpawned();
    }
    expect(cli.stderr()).toMatch(/stopping/);
    expect(cli.stdout()).toMatch(/\d+ runs, \d+ invocations in .*, interrupted/);
    expect(cli.stdout()).toContain('No findings.');
    expect(cli.stderr()).toContain(`report written to ${report}`);
    expect(existsSync(report)).toBe(true);
    const json = readJson(report) as { interrupted: unknown; stats: { runs: number }; findings: unknown[] };
    expect(json.interrupted).toBe(true);
    expect(json.stats.runs).toBeGreaterThan(0);
    expect(json.stats.runs).toBeLessThan(10_000_000);
    expect(json.findings).toEqual([]);
  }, 60_000);
});
