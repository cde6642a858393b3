import type { Effect, FileEffect } from '../../../src/core/index.js';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 8 point 2: files are judged by where they really land. <temp>/link is a symlink to <base>/home, a stand-in
// for a home directory: under the repository's gitignored .scratch, outside every writable root the fixture names
// (task root, temp, root-alias). The probes patch fs for the whole realm, so they run in a separate node process.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = 'test/fixtures/probes/fs-real-scenarios.ts';
const token = 'efzr3a1p9t8h2q6';

type Report = Record<string, { result: Record<string, unknown>; effects: Effect[] }>;
interface Dirs {
  readonly base: string;
  readonly home: string;
  readonly temp: string;
}

function makeDirs(label: string): Dirs {
  const base = join(root, '.scratch', `fs-real-${label}-${process.pid}`);
  const home = join(base, 'home');
  for (const dir of [home, join(base, 'task'), join(base, 'real-root')]) mkdirSync(dir, { recursive: true });
  symlinkSync(join(base, 'real-root'), join(base, 'root-alias'));
  writeFileSync(join(home, `existing-${token}`), 'keep');
  const temp = mkdtempSync(join(tmpdir(), 'efz-fs-real-'));
  symlinkSync(home, join(temp, 'link'));
  symlinkSync(join(home, `landed-${token}`), join(temp, `dangling-${token}`));
  symlinkSync(home, join(temp, `alias-${token}`));
  mkdirSync(join(temp, 'inner'));
  symlinkSync(join(temp, 'inner'), join(temp, 'inner-link'));
  writeFileSync(join(temp, 'plain-source'), 'src');
  return { base, home, temp };
}
function removeDirs(dirs: Dirs): void {
  rmSync(dirs.base, { recursive: true, force: true });
  rmSync(dirs.temp, { recursive: true, force: true });
}
async function runScenarios(allowExec: boolean, dirs: Dirs): Promise<Report> {
  const argv = ['--import', 'tsx', fixture, allowExec ? '1' : '0', dirs.base, dirs.temp, token];
  const { stdout } = await promisify(execFile)(process.execPath, argv, { cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report;
}
const fileEffects = (entry: { effects: Effect[] } | undefined): FileEffect[] =>
  (entry?.effects ?? []).filter((e): e is FileEffect => e.kind === 'file');

describe.skipIf(root.startsWith(`${tmpdir()}/`))('fs probe: a path is judged where it really lands', () => {
  let dirs: Dirs;
  let report: Report;
  let realHome: string;

  beforeAll(async () => {
    dirs = makeDirs('deny');
    realHome = realpathSync(dirs.home);
    report = await runScenarios(false, dirs);
  }, 60_000);
  afterAll(() => removeDirs(dirs));

  it.each([
    ['write-sync', 'fs.writeFileSync', 'write'],
    ['write-callback', 'fs.writeFile', 'write'],
    ['write-promise', 'fs.promises.writeFile', 'write'],
    ['open-numeric', 'fs.openSync', 'write'],
    ['file-handle', 'fs.promises.open', 'write'],
    ['write-stream', 'fs.createWriteStream', 'write'],
    ['truncate', 'fs.truncateSync', 'write'],
    ['mkdir', 'fs.promises.mkdir', 'write'],
    ['unlink', 'fs.unlinkSync', 'delete'],
    ['rename-dest', 'fs.renameSync', 'write'],
    ['copy-dest', 'fs.copyFile', 'write'],
    ['cp-dest', 'fs.promises.cp', 'write'],
    ['link-dest', 'fs.linkSync', 'write'],
    ['symlink-path', 'fs.symlinkSync', 'write'],
  ])('%s through a symlink to the home directory: refused, recorded with where it would have landed', (scenario, api, op) => {
    expect(report[scenario]?.result).toEqual({ code: 'EACCES' });
    const effects = fileEffects(report[scenario]);
    expect(effects).toEqual([expect.objectContaining({ api, op, blocked: true, outsideRoots: true, resolved: expect.stringContaining(`${dirs.temp}/link/`) })]);
    expect(effects[0]?.real).toMatch(new RegExp(`^${realHome}/[a-z-]+-${token}$`));
  });

  it('climbs `..` after a symlink from its target, as the kernel does, not lexically', () => {
    expect(report['dotdot-after-link']?.result).toEqual({ code: 'EACCES' });
    expect(fileEffects(report['dotdot-after-link'])).toEqual([
      expect.objectContaining({ resolved: join(dirs.temp, `sibling-${token}`), real: join(realpathSync(dirs.base), `sibling-${token}`), blocked: true, outsideRoots: true }),
    ]);
  });

  it('follows a dangling symlink: creating it would create its target in the home directory', () => {
    expect(report['dangling-link']?.result).toEqual({ code: 'EACCES' });
    expect(fileEffects(report['dangling-link'])).toEqual([expect.objectContaining({ real: join(realHome, `landed-${token}`), blocked: true })]);
  });

  it('judges a hard link by its source too: a second name for a file outside the roots would let writes reach it', () => {
    expect(report['link-source']?.result).toEqual({ code: 'EACCES' });
    expect(fileEffects(report['link-source'])).toEqual([expect.objectContaining({ op: 'write', path: join(dirs.home, `existing-${token}`), blocked: true })]);
  });

  it('removes a symlink by its own name: rm of a link in temp acts in temp, whatever it points at', () => {
    expect(report['rm-link-itself']?.result).toEqual({ code: null });
    expect(fileEffects(report['rm-link-itself'])).toEqual([expect.objectContaining({ op: 'delete', blocked: false, outsideRoots: false })]);
    expect(existsSync(join(dirs.temp, `alias-${token}`))).toBe(false);
  });

  it('lets a write through a symlink that stays inside the roots, and a write into a root named through a symlink', () => {
    expect(report['inner-link']?.result).toEqual({ code: null });
    expect(readFileSync(join(dirs.temp, 'inner', `inner-${token}`), 'utf8')).toBe('x');
    expect(report['root-alias']?.result).toEqual({ code: null });
    expect(fileEffects(report['root-alias'])).toEqual([expect.objectContaining({ blocked: false, outsideRoots: false })]);
    expect(readFileSync(join(dirs.base, 'real-root', `alias-${token}`), 'utf8')).toBe('x');
  });

  it('left nothing outside the roots: the home directory and its parent hold only what was there', () => {
    expect(readdirSync(dirs.home)).toEqual([`existing-${token}`]);
    expect(readFileSync(join(dirs.home, `existing-${token}`), 'utf8')).toBe('keep');
    expect(readdirSync(dirs.base).sort()).toEqual(['home', 'real-root', 'root-alias', 'task']);
    expect(readdirSync(dirs.temp).sort()).toEqual([`dangling-${token}`, 'inner', 'inner-link', 'link', 'plain-source']);
  });
});

describe.skipIf(root.startsWith(`${tmpdir()}/`))('fs probe with allowExec: a write through a symlink', () => {
  let dirs: Dirs;
  let report: Report;

  beforeAll(async () => {
    dirs = makeDirs('allow');
    report = await runScenarios(true, dirs);
  }, 60_000);
  afterAll(() => removeDirs(dirs));

  it('is performed and recorded unblocked, outside the roots, with where it landed', () => {
    expect(report['write-sync']?.result).toEqual({ code: null });
    expect(existsSync(join(dirs.home, `write-sync-${token}`))).toBe(true);
    expect(fileEffects(report['write-sync'])).toEqual([
      expect.objectContaining({ blocked: false, outsideRoots: true, real: join(realpathSync(dirs.home), `write-sync-${token}`) }),
    ]);
  });
});
