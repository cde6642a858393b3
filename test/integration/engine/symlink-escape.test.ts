import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { restSampleWithBody } from '../../helpers/event-fixtures.js';

// Issue 8 point 2 end to end: a handler writes payload-named files into a directory that is, lexically, in the
// temp directory (a writable root) but is a symlink to a "home directory". The home stand-in lives under the
// repository's gitignored .scratch, and the task root is set apart from it, so it lies outside every root.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const handler = fileURLToPath(new URL('../../fixtures/fs-escape/upload-through-link.mjs', import.meta.url));

describe.skipIf(root.startsWith(`${tmpdir()}/`))('a write through a symlink out of the temp directory', () => {
  let base: string;
  let home: string;
  let temp: string;
  beforeAll(() => {
    base = join(root, '.scratch', `symlink-escape-${process.pid}`);
    home = join(base, 'home');
    mkdirSync(home, { recursive: true });
    mkdirSync(join(base, 'task'));
    temp = mkdtempSync(join(tmpdir(), 'efz-symlink-escape-'));
    symlinkSync(home, join(temp, 'uploads'));
  });
  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
  });

  // Only the handler's payload-free names (the sample's, its default: no token, so not the probe's business) may
  // reach the home directory; every payload-named write was refused.
  const expectNoPayloadLanded = (): void => {
    for (const name of readdirSync(home)) expect(['report', 'upload']).toContain(name);
  };

  const run = (runner: 'in-process' | 'isolated', categories: string[], writableRoots?: string[]) =>
    fuzz({
      writableRoots,
      handler,
      runner,
      workers: 1,
      taskRoot: join(base, 'task'),
      env: { EFZ_UPLOAD_DIR: join(temp, 'uploads') },
      samples: [restSampleWithBody({ name: 'report' })],
      categories,
      runs: 150,
      seed: 3,
    });

  it.each(['in-process', 'isolated'] as const)('%s: refused, reported as a write outside the roots, and no crash of our making', async (runner) => {
    const report = await run(runner, ['command-injection']);
    expect(report.findings.map((f) => [f.oracle, f.confidence, f.severity, f.title])).toEqual([
      ['path-traversal', 'confirmed', 'high', 'Write outside the allowed roots at a payload-chosen path via fs.writeFileSync'],
    ]);
    expect(report.findings[0]?.evidence).toContain('eventfuzz refused it');
    expect(report.findings[0]?.evidence).toMatch(/real location: .*\/home\//);
    expect(report.stats.blocked.file).toBeGreaterThan(0);
    expectNoPayloadLanded();
  });

  it('a traversal payload through the same symlink is a critical path traversal, and lands nowhere', async () => {
    const report = await run('in-process', ['path-traversal']);
    expect(report.findings.map((f) => [f.oracle, f.confidence, f.severity])).toContainEqual(['path-traversal', 'confirmed', 'critical']);
    expect(report.findings.map((f) => f.oracle)).not.toContain('crash');
    expectNoPayloadLanded();
    expect(readdirSync(base).sort()).toEqual(['home', 'task']);
  });

  // The safe twin: the same writes, where the function may write (--writable-root, e.g. an EFS mount on Lambda).
  it.each(['in-process', 'isolated'] as const)('%s: with --writable-root on the link target, no finding, and the writes land there', async (runner) => {
    const report = await run(runner, ['command-injection'], [home]);
    expect(report.findings).toEqual([]);
    expect(report.stats.blocked.file).toBe(0);
    expect(readdirSync(home).filter((name) => /efz[a-z0-9]{12}/.test(name)).length).toBeGreaterThan(0);
  });
});
