import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, killSpawned, readJson, runCli, spawnCli, tempDir } from '../../e2e/helpers.js';

afterEach(async () => {
  await killSpawned();
  cleanTempDirs();
});

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'still running'> =>
  Promise.race([promise, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms))]);

/** The real binary: a closed stdout and a Ctrl-C are process-level behaviour. */
describe('the eventfuzz binary', () => {
  it('generate | head: ends quietly when the reader closes the pipe, long before --count', async () => {
    const cli = spawnCli(['generate', '--source', 'sqs', '--count', '1000000', '--seed', '1']);
    // Like `head -c 1000`: read a little, then close the pipe.
    await new Promise<void>((resolve) => cli.child.stdout!.once('data', () => resolve()));
    cli.child.stdout!.destroy();
    const ended = await within(cli.exited, 15_000);
    expect(ended, cli.stderr()).toEqual({ code: 0, signal: null });
    expect(cli.stderr()).not.toMatch(/EPIPE|internal error|    at /);
  }, 30_000);

  it('Ctrl-C during an --in-process run still says it is stopping (not swallowed by the log capture)', async () => {
    const dir = tempDir('efz-sigint-');
    const handler = join(dir, 'slow.mjs');
    // Every invocation waits, so the signal arrives while the handler's output is being captured.
    writeFileSync(handler, 'export const handler = async () => { await new Promise((r) => setTimeout(r, 200)); return { ok: true }; };\n');
    const cli = spawnCli(['fuzz', handler, '--source', 'sqs', '--runs', '100000', '--seed', '3', '--in-process', '--corpus', join(dir, 'corpus')]);
    await cli.waitForStderr(/^eventfuzz: fuzzing .* with seed 3/m, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    cli.child.kill('SIGINT');
    const ended = await within(cli.exited, 10_000);
    expect(ended, cli.stderr()).toEqual({ code: 130, signal: null });
    expect(cli.stderr()).toContain('eventfuzz: stopping (Ctrl-C again to quit now)');
  }, 40_000);
});

describe('timeout findings', () => {
  it('give the duration in whole milliseconds', async () => {
    const dir = tempDir('efz-timeout-');
    const handler = join(dir, 'hangs.mjs');
    writeFileSync(handler, 'export const handler = () => new Promise(() => {});\n');
    const report = join(dir, 'out.json');
    const result = await runCli(['fuzz', handler, '--source', 'sqs', '--runs', '2', '--seed', '1', '--timeout', '50', '--in-process', '--corpus', join(dir, 'corpus'), '--report', report]);
    const evidence = [
      ...(readJson(report) as { findings: { oracle: string; evidence: string }[]; baseline: { problems: unknown[] } }).findings.filter((f) => f.oracle === 'timeout').map((f) => f.evidence),
      ...JSON.stringify((readJson(report) as { baseline: unknown }).baseline).match(/stopped after [^)]*\)/g) ?? [],
    ];
    expect(evidence.length, result.stderr + result.stdout).toBeGreaterThan(0);
    for (const text of evidence) expect(text).toMatch(/stopped after \d+ ms\)/);
  });
});
