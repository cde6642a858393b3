import type { Effect, FileEffect } from '../../../src/core/index.js';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The probes patch fs for the whole realm, so they run in a separate node process, never in the runner. Writes are
// aimed at a sandbox under the repository, outside the writable roots the scenarios configure (the task root and a temp dir; not /tmp itself, since the checkout may live there).
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = 'test/fixtures/probes/fs-scenarios.ts';
const token = 'efzf5s7a2k9d3w1';

type Report = Record<string, { result: Record<string, unknown>; effects: Effect[] }>;
interface Dirs {
  sandbox: string;
  temp: string;
  taskRoot: string;
}

async function runScenarios(allowExec: boolean, dirs: Dirs): Promise<Report> {
  const argv = ['--import', 'tsx', fixture, allowExec ? '1' : '0', dirs.sandbox, dirs.temp, dirs.taskRoot, token];
  const { stdout } = await promisify(execFile)(process.execPath, argv, { cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report;
}

function makeDirs(label: string): Dirs {
  const base = join(root, 'test/fixtures/probes', `.fs-sandbox-${label}-${process.pid}`);
  const sandbox = join(base, 'outside');
  const taskRoot = join(base, 'task');
  mkdirSync(sandbox, { recursive: true });
  mkdirSync(taskRoot, { recursive: true });
  return { sandbox, taskRoot, temp: mkdtempSync(join(tmpdir(), 'efz-fs-probe-')) };
}
function removeDirs(dirs: Dirs): void {
  rmSync(join(dirs.sandbox, '..'), { recursive: true, force: true });
  rmSync(dirs.temp, { recursive: true, force: true });
}

const fileEffects = (entry: { effects: Effect[] } | undefined): FileEffect[] =>
  (entry?.effects ?? []).filter((e): e is FileEffect => e.kind === 'file');
const CALL_SITE = /test\/fixtures\/probes\/fs-handler\.ts:\d+:\d+$/;

describe('fs probe (writes outside the roots refused by default)', () => {
  let dirs: Dirs;
  let report: Report;

  beforeAll(async () => {
    dirs = makeDirs('deny');
    report = await runScenarios(false, dirs);
  }, 60_000);
  afterAll(() => removeDirs(dirs));

  it('is invisible to introspection: fs.promises identity, names, lengths, promisify.custom, realpath.native', () => {
    expect(report['shape']?.result).toEqual({
      promisesIdentity: true,
      names: ['readFileSync', 'writeFile', 'readFile', 'createWriteStream'],
      lengths: [2, 4],
      existsCustom: true,
      realpathNative: true,
    });
  });

  it.each([
    ['read-sync-string', 'fs.readFileSync', 'read'],
    ['read-callback-buffer', 'fs.readFile', 'read'],
    ['read-promise-url', 'fs.promises.readFile', 'read'],
    ['read-stream', 'fs.createReadStream', 'read'],
    ['stat-namespace', 'fs.statSync', 'other'],
    ['readdir-callback', 'fs.readdir', 'list'],
    ['exists-promisified', 'fs.exists', 'other'],
  ])('%s: a read outside the roots runs (ENOENT from the OS) and is recorded once', (scenario, api, op) => {
    const effects = fileEffects(report[scenario]);
    expect(effects).toEqual([
      expect.objectContaining({ kind: 'file', api, op, blocked: false, outsideRoots: true, resolved: expect.stringMatching(`^/etc/${token}/?$`) }),
    ]);
    expect(effects[0]?.callSite).toMatch(CALL_SITE);
    if (scenario !== 'exists-promisified') expect(report[scenario]?.result).toEqual({ code: 'ENOENT' });
  });

  it('records a string path as passed and a Buffer or file: URL decoded', () => {
    expect(fileEffects(report['read-callback-buffer'])[0]?.path).toBe(`/etc/${token}`);
    expect(fileEffects(report['read-promise-url'])[0]?.path).toBe(`/etc/${token}`);
  });

  it.each([
    ['write-sync', 'fs.writeFileSync', 'write', 'EACCES'],
    ['write-callback', 'fs.writeFile', 'write', 'EACCES'],
    ['append-promise', 'fs.promises.appendFile', 'write', 'EACCES'],
    ['write-stream', 'fs.createWriteStream', 'write', 'EACCES'],
    ['open-for-write', 'fs.open', 'write', 'EACCES'],
    ['mkdir-promise', 'fs.promises.mkdir', 'write', 'EACCES'],
    ['mkdir-missing-parent', 'fs.promises.mkdir', 'write', 'ENOENT'],
    ['unlink-existing', 'fs.unlinkSync', 'delete', 'EACCES'],
    ['symlink', 'fs.symlinkSync', 'write', 'EACCES'],
    ['chmod-existing', 'fs.chmodSync', 'write', 'EACCES'],
  ])('%s: refused through the API’s own channel, recorded blocked', (scenario, api, op, code) => {
    expect(report[scenario]?.result).toEqual({ code });
    const effects = fileEffects(report[scenario]).filter((e) => e.op === op);
    expect(effects).toEqual([expect.objectContaining({ api, blocked: true, outsideRoots: true })]);
  });

  it('refuses a rename or copy whose destination carries the token, recording source and destination', () => {
    expect(report['rename-dest']?.result).toEqual({ code: 'EACCES' });
    expect(fileEffects(report['rename-dest'])).toEqual([expect.objectContaining({ op: 'write', blocked: true })]);
    expect(report['copy-dest']?.result).toEqual({ code: 'EACCES' });
  });

  it('lets rm --force on a missing path succeed without touching anything', () => {
    expect(report['rm-force-missing']?.result).toEqual({ code: null });
    expect(fileEffects(report['rm-force-missing'])).toEqual([expect.objectContaining({ op: 'delete', blocked: true })]);
  });

  it('changed nothing in the sandbox: no refused write exists and the existing file is intact', () => {
    expect(readdirSync(dirs.sandbox).sort()).toEqual([`existing-${token}`, 'plain-source', 'plain-write'].sort());
    expect(existsSync(join(dirs.sandbox, 'missing'))).toBe(false);
  });

  it('refuses a write outside any begin/end window without recording it', () => {
    expect(report['outside-window']).toEqual({ result: { code: 'EACCES' }, effects: [] });
    expect(existsSync(join(dirs.sandbox, `unrecorded-${token}`))).toBe(false);
  });

  it('lets writes without a token run unrecorded, and token writes inside /tmp or the task root run recorded', () => {
    expect(report['plain-write']).toEqual({ result: { code: null, value: 'written' }, effects: [] });
    for (const scenario of ['tmp-write', 'task-root-write']) {
      expect(report[scenario]?.result).toEqual({ code: null, value: 'written' });
      expect(fileEffects(report[scenario]).map((e) => [e.api, e.op, e.blocked, e.outsideRoots])).toEqual([
        ['fs.writeFileSync', 'write', false, false],
        ['fs.readFileSync', 'read', false, false],
      ]);
    }
  });
});

describe('fs probe with allowExec', () => {
  let dirs: Dirs;
  let report: Report;

  beforeAll(async () => {
    dirs = makeDirs('allow');
    report = await runScenarios(true, dirs);
  }, 60_000);
  afterAll(() => removeDirs(dirs));

  it('performs token writes outside the roots and records them unblocked', () => {
    expect(report['write-sync']?.result).toEqual({ code: null });
    expect(existsSync(join(dirs.sandbox, `write-sync-${token}`))).toBe(true);
    expect(fileEffects(report['write-sync'])).toEqual([expect.objectContaining({ blocked: false, outsideRoots: true })]);
    expect(report['unlink-existing']?.result).toEqual({ code: null });
    expect(existsSync(join(dirs.sandbox, `existing-${token}`))).toBe(false);
  });
});
