import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enterTaskRoot } from '../../../src/api/task-root-cwd.js';

const start = process.cwd();
const scratch = (): string => realpathSync(mkdtempSync(join(tmpdir(), 'efz-cwd-')));

describe('enterTaskRoot', () => {
  afterEach(() => process.chdir(start));

  it('moves back to where it was even when the task root is reached through a symlink', () => {
    const base = scratch();
    mkdirSync(join(base, 'real'));
    symlinkSync(join(base, 'real'), join(base, 'link'));
    const leave = enterTaskRoot(join(base, 'link'));
    expect(process.cwd()).toBe(join(base, 'real')); // cwd() reports the real path
    leave();
    expect(process.cwd()).toBe(start);
  });

  it('moves back even when the handler changed directory meanwhile', () => {
    const root = scratch();
    const leave = enterTaskRoot(root);
    process.chdir(tmpdir());
    leave();
    expect(process.cwd()).toBe(start);
  });

  it('lets targets that share a task root overlap, and moves back when the last one leaves', () => {
    const root = scratch();
    const first = enterTaskRoot(root);
    const second = enterTaskRoot(root);
    first();
    first(); // leaving twice counts once
    expect(process.cwd()).toBe(root);
    second();
    expect(process.cwd()).toBe(start);
  });

  it('refuses a second target with another task root while the first runs, with a usage error', () => {
    const leave = enterTaskRoot(scratch());
    expect(() => enterTaskRoot(scratch())).toThrow(expect.objectContaining({ code: 'EFZ_USAGE', message: expect.stringContaining('cannot run at once') }));
    leave();
    expect(process.cwd()).toBe(start);
  });
});
