import type { Effect, ProcessEffect } from '../../../src/core/index.js';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The probes patch child_process for the whole realm, so they run in a separate node process, never in the runner.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = 'test/fixtures/probes/run-scenarios.ts';
const token = 'efzq7k2m9x4b1c8';

type Report = Record<string, { result: Record<string, unknown>; effects: Effect[] }>;

async function runScenarios(allowExec: boolean, dir: string): Promise<Report> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, allowExec ? '1' : '0', dir, token], {
    cwd: root,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report;
}

const canaryDirs = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('efz-canary-'));
const processEffects = (entry: { effects: Effect[] } | undefined): ProcessEffect[] =>
  (entry?.effects ?? []).filter((e): e is ProcessEffect => e.kind === 'process');
const CALL_SITE = /^test\/fixtures\/probes\/handler-(esm\.ts|cjs\.cjs):\d+:\d+$/;

describe('child_process probe (deny by default)', () => {
  let dir: string;
  let report: Report;
  const touch = (name: string): string => `touch ${join(dir, name)}; echo ${token}$((6*7))`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'efz-probe-test-'));
    report = await runScenarios(false, dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is idempotent per realm and invisible to introspection', () => {
    expect(report['idempotent']?.result).toEqual({ same: true });
    expect(report['shape']?.result).toEqual({
      sameBinding: true,
      names: ['exec', 'execFile', 'spawn', 'execSync', 'fork'],
      lengths: [3, 4, 3, 3],
      hasCustomPromisify: true,
    });
  });

  it('executes none of the calls that carry a token: no marker file was created', () => {
    // Only the module the fork scenario would have run is there; every command would have left a marker.
    expect(readdirSync(dir)).toEqual([`fork-${token}.cjs`]);
  });

  it.each([
    ['blocked-named-exec', 'child_process.exec', 'named-exec'],
    ['blocked-default-execSync', 'child_process.execSync', 'default-execSync'],
    ['blocked-promisified-exec', 'child_process.exec', 'promisified-exec'],
    ['blocked-spawn-sh-c', 'child_process.spawn', 'spawn-sh-c'],
    ['blocked-spawnSync-lc', 'child_process.spawnSync', 'spawnSync-lc'],
    ['blocked-execFileSync-env-bash', 'child_process.execFileSync', 'execFileSync-env-bash'],
    ['blocked-compiled-exec', 'child_process.exec', 'compiled-exec'],
    ['blocked-import-star-exec', 'child_process.exec', 'import-star-exec'],
    ['blocked-require-spawn-shell', 'child_process.spawn', 'require-spawn-shell'],
    ['blocked-compiled-promisify', 'child_process.exec', 'compiled-promisify'],
  ])('%s: records one blocked effect with the script a shell would run', (scenario, api, marker) => {
    const effects = processEffects(report[scenario]);
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ kind: 'process', api, blocked: true, script: touch(marker) });
    expect(effects[0]?.callSite).toMatch(CALL_SITE);
  });

  it.each([
    ['blocked-execFile-arg', 'child_process.execFile', 'touch'],
    ['blocked-spawn-close-only', 'child_process.spawn', 'touch'],
  ])('%s: a token in a plain argument is blocked too, with no shell script', (scenario, api, file) => {
    expect(processEffects(report[scenario])).toEqual([expect.objectContaining({ api, file, script: null, blocked: true })]);
  });

  it('shows callback APIs a shell that could not find the command (exit 127)', () => {
    const stderr = '/bin/sh: 1: touch: not found\n';
    expect(report['blocked-named-exec']?.result).toMatchObject({ errorCode: 127, stdout: '', stderr });
    expect(report['blocked-compiled-exec']?.result).toMatchObject({ errorCode: 127, stdout: '', stderr });
    expect(report['blocked-import-star-exec']?.result).toMatchObject({ errorCode: 127, stdout: '' });
    // The effect records the exact error handed over, so the oracles recognise its consequences by it.
    expect(processEffects(report['blocked-named-exec'])[0]?.blockedFailure).toBe(stderr.trim());
  });

  it('rejects the promisified form like node does, with stdout and stderr on the error', () => {
    expect(report['blocked-promisified-exec']?.result).toEqual({ resolved: false, code: 127, stdout: '', stderr: '/bin/sh: 1: touch: not found\n' });
    expect(report['blocked-compiled-promisify']?.result).toMatchObject({ resolved: false, code: 127 });
  });

  it('throws from the sync APIs with status 127 and the shell message', () => {
    expect(report['blocked-default-execSync']?.result).toMatchObject({ status: 127, stderr: '/bin/sh: 1: touch: not found\n' });
    expect(report['blocked-execFileSync-env-bash']?.result).toEqual({ status: 127, stderr: 'bash: line 1: touch: command not found\n' });
    expect(report['blocked-spawnSync-lc']?.result).toEqual({
      status: 127,
      signal: null,
      stdout: '',
      stderr: '/bin/sh: 1: touch: not found\n',
      error: null,
    });
  });

  it('lets a blocked spawn exit asynchronously, without crashing a handler that only listens to close', () => {
    expect(report['blocked-spawn-sh-c']?.result).toMatchObject({ events: ['exit:127', 'close:127'], code: 127 });
    expect(report['blocked-require-spawn-shell']?.result).toEqual({ code: 127 });
    // A fixed program with a payload argument cannot start a payload command: it is blocked yet "succeeds".
    expect(report['blocked-spawn-close-only']?.result).toMatchObject({ events: ['exit:0', 'close:0'], code: 0 });
    expect(report['blocked-execFile-arg']?.result).toEqual({ errorCode: null, stdout: '' });
    // The module path carries the token: the payload chose what runs, so it fails like a missing file.
    expect(report['blocked-fork']?.result).toMatchObject({ events: ['error:ENOENT', 'close:-2'] });
  });

  it('emulates a success for a fixed program with a payload argument, in every API form', () => {
    expect(report['blocked-promisified-execFile-arg']?.result).toEqual({ resolved: true, stdout: '', stderr: '' });
    expect(report['blocked-execFileSync-arg']?.result).toEqual({ stdout: '' });
    expect(report['blocked-spawnSync-arg']?.result).toEqual({ status: 0, stdout: '', error: null });
    for (const scenario of ['blocked-promisified-execFile-arg', 'blocked-execFileSync-arg', 'blocked-spawnSync-arg']) {
      expect(processEffects(report[scenario])).toEqual([expect.objectContaining({ file: 'touch', script: null, blocked: true })]);
    }
  });

  it('fails a call whose program the payload names, like a missing binary', () => {
    expect(report['blocked-spawnSync-named-program']?.result).toEqual({ status: null, stdout: null, error: 'ENOENT' });
    expect(processEffects(report['blocked-spawnSync-named-program'])).toEqual([expect.objectContaining({ script: null, blocked: true })]);
  });

  it.each([
    ['plain-named-exec', { errorCode: null, errorMessage: null, stdout: 'hello\n', stderr: '' }],
    ['plain-promisified-exec', { resolved: true, stdout: 'hi\n', stderr: '' }],
    ['plain-promisified-execFile', { resolved: true, stdout: 'a b\n', stderr: '' }],
    ['plain-execSync', { stdout: 'sync\n' }],
    ['plain-spawn-sh-c', { events: ['exit:0', 'close:0'], code: 0, signal: null, stdout: 'spawned\n' }],
    ['plain-execFileSync', { stdout: 'x\n' }],
    ['plain-spawnSync', { status: 0, stdout: 'y\n', error: null }],
    ['plain-execFile-arg', { errorCode: null, stdout: 'argument\n' }],
    ['plain-compiled-exec', { errorCode: null, stdout: 'compiled\n', stderr: '' }],
    ['plain-compiled-promisify', { resolved: true, stdout: 'promised\n', stderr: '' }],
    ['plain-require-spawn-shell', { code: 3 }],
  ])('%s: runs normally and is recorded once', (scenario, expected) => {
    expect(report[scenario]?.result).toEqual(expected);
    const effects = processEffects(report[scenario]);
    expect(effects).toHaveLength(1); // exec's internal hand-off to execFile is not a second call
    expect(effects[0]?.blocked).toBe(false);
    expect(effects[0]?.callSite).toMatch(CALL_SITE);
  });

  it('describes shells reached without exec: spawn sh -c, shell: true, env bash -c', () => {
    expect(processEffects(report['plain-spawn-sh-c'])[0]).toMatchObject({ file: 'sh', args: ['-c', 'echo spawned'], script: 'echo spawned' });
    expect(processEffects(report['plain-require-spawn-shell'])[0]).toMatchObject({ file: '/bin/sh', args: ['-c', 'exit 3'], script: 'exit 3' });
    expect(processEffects(report['plain-execFile-arg'])[0]).toMatchObject({ file: 'echo', args: ['argument'], script: null });
  });
});

describe('child_process probe with allowExec', () => {
  let dir: string;
  let report: Report;
  let before: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'efz-probe-test-'));
    before = canaryDirs();
    report = await runScenarios(true, dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs commands that carry a token and records them unblocked', () => {
    expect(existsSync(join(dir, 'allowed-exec'))).toBe(true);
    expect(report['allowed-exec']?.result).toMatchObject({ errorCode: null });
    expect(processEffects(report['allowed-exec'])).toEqual([expect.objectContaining({ api: 'child_process.exec', blocked: false })]);
  });

  it.each(['allowed-exec', 'allowed-spawn-sh-c'])('%s: the canary program on PATH records the token', (scenario) => {
    expect(report[scenario]?.effects).toContainEqual({ kind: 'canary', via: 'program', token, detail: `efzcanary ${token}` });
  });

  it('removes the canary program directory when the process exits', () => {
    expect(canaryDirs().filter((name) => !before.includes(name))).toEqual([]);
  });
});
