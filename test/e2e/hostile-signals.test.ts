import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, ROOT, tempDir } from './helpers.js';

/*
 * Issue 8, point 4: a handler that signals its own runtime, the process that started it or its process group
 * must not end the run or reach the user's shell. The CLI runs as a child of a throw-away `sh` that prints the
 * CLI's exit code afterwards: if a guard failed, the signal would end `sh` (or the CLI) before that line, and
 * nothing of the test runner is at risk.
 */
const run = promisify(execFile);
const FIXTURE = 'test/fixtures/hostile/signal-own-runtime.mjs';

async function fuzzThroughShell(act: string, runner: 'isolated' | 'in-process', runs = 12) {
  const dir = tempDir('efz-hostile-');
  const report = join(dir, 'report.json');
  // Its own corpus: the default (.eventfuzz/ in the repository) would leave entries behind for the user's replay.
  const cli = ['node', 'src/cli/launch.js', 'fuzz', FIXTURE, '--source', 'sqs', '--runs', String(runs), '--seed', '1', '--env', `HOSTILE_ACT=${act}`, '--report', report, '--corpus', join(dir, 'corpus')];
  if (runner === 'in-process') cli.push('--in-process');
  const script = `${cli.map((arg) => `'${arg}'`).join(' ')} >/dev/null 2>&1; echo "cli-exit=$?"`;
  const { stdout } = await run('sh', ['-c', script], { cwd: ROOT, timeout: 60_000 }).catch((error: { stdout?: string; signal?: string }) => ({ stdout: `sh ended by ${error.signal ?? 'an error'} ${error.stdout ?? ''}` }));
  const findings = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as { findings: { oracle: string; confidence: string; title: string; evidence: string }[] }).findings : undefined;
  return { stdout: stdout.trim(), findings };
}

describe('a handler that signals its runtime cannot end the run or reach the shell that started it', () => {
  afterAll(cleanTempDirs);

  it.each([
    ['self', 'isolated', /process\.kill\(\d+, "SIGKILL"\): its own runtime/],
    ['parent', 'isolated', /process\.kill\(\d+, "SIGTERM"\): the process that started the runtime/],
    ['group', 'isolated', /process\.kill\(0, "SIGTERM"\): a whole process group/],
    ['abort', 'isolated', /process\.abort\(\) \(SIGABRT\)/],
    ['raw-self', 'isolated', /process\._kill\(\d+, 9\): its own runtime/],
    ['raw-parent', 'isolated', /process\._kill\(\d+, 15\): the process that started the runtime/],
    // Unseen by every guard: the runtime process dies of the signal, and the pool reports it like Lambda would.
    ['shell-kill', 'isolated', /the runtime process died of SIGKILL/],
    ['raw-parent', 'in-process', /the process that started the runtime/],
    ['self', 'in-process', /its own runtime/],
    ['parent', 'in-process', /the process that started the runtime/],
  ] as const)('%s (%s): a crash finding, the command injection still reported, the report written', async (act, runner, evidence) => {
    // Nearly every case carries a payload and so kills the runtime, which is replaced by a new process (~0.4 s
    // each, as a Lambda cold start): a dozen cases show both findings and their confirmations.
    const { stdout, findings } = await fuzzThroughShell(act, runner);
    expect(stdout).toBe('cli-exit=1');
    expect(findings?.map((f) => `${f.oracle} ${f.confidence}`).sort()).toEqual(['command-injection confirmed', 'crash confirmed']);
    const crash = findings!.find((f) => f.oracle === 'crash')!;
    expect(crash.title).toBe('Handler killed the runtime with a signal');
    expect(crash.evidence).toMatch(evidence);
  }, 60_000);

  it('process.reallyExit (what process.exit calls underneath) is an exit crash, in-process too', async () => {
    for (const runner of ['isolated', 'in-process'] as const) {
      const { stdout, findings } = await fuzzThroughShell('really-exit', runner);
      expect(stdout).toBe('cli-exit=1');
      expect(findings?.map((f) => `${f.oracle} ${f.confidence}`).sort()).toEqual(['command-injection confirmed', 'crash confirmed']);
      expect(findings!.find((f) => f.oracle === 'crash')!.evidence).toMatch(/exit(ed)? .*7|code 7/i);
    }
  });

  it('a signal to another process is refused (EPERM) and is no finding', async () => {
    const { stdout, findings } = await fuzzThroughShell('other', 'isolated');
    expect(stdout).toBe('cli-exit=1');
    expect(findings?.map((f) => f.oracle)).toEqual(['command-injection']);
  });
});
