import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realLocation } from '../../../src/probes/real-location.js';

// Only symlinks and directories are made, all inside one temp dir; nothing is written through them.
describe('realLocation: where a path lands once the kernel has walked it', () => {
  let dir: string;
  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'efz-real-location-')));
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync('../elsewhere', join(dir, 'a/rel')); // relative: resolved from the link's directory
    symlinkSync(join(dir, 'a/b'), join(dir, 'abs'));
    symlinkSync('chain-2', join(dir, 'chain-1'));
    symlinkSync('elsewhere', join(dir, 'chain-2'));
    symlinkSync('loop', join(dir, 'loop'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a plain existing path', 'a/b', 'a/b'],
    ['a missing rest, appended as is', 'a/b/new/file', 'a/b/new/file'],
    ['a relative symlink, from the directory holding it', 'a/rel/file', 'elsewhere/file'],
    ['an absolute symlink', 'abs/file', 'a/b/file'],
    ['`..` after a symlink, from its target', 'abs/../x', 'a/x'],
    ['a chain of symlinks', 'chain-1/file', 'elsewhere/file'],
    ['`.` segments and doubled slashes', './a//./b/file', 'a/b/file'],
  ])('%s', (_label, path, expected) => {
    expect(realLocation(path, dir, true)).toBe(join(dir, expected));
    expect(realLocation(`${dir}/${path}`, '/unused', true)).toBe(join(dir, expected));
  });

  it('keeps the last segment when the call does not follow it (unlink, rename)', () => {
    expect(realLocation('abs', dir, false)).toBe(join(dir, 'abs'));
    expect(realLocation('a/rel', dir, false)).toBe(join(dir, 'a/rel'));
    expect(realLocation('abs/inner', dir, false)).toBe(join(dir, 'a/b/inner'));
  });

  it('does not walk a path longer than PATH_MAX, which the kernel refuses anyway (a hostile handler may build one)', () => {
    const long = `abs/${'x/'.repeat(5_000)}file`;
    expect(realLocation(long, dir, true)).toBe(join(dir, long));
  });

  it('stops on a symlink loop, where the call itself fails with ELOOP', () => {
    expect(realLocation('loop/file', dir, true)).toBe(join(dir, 'loop/file'));
  });
});
