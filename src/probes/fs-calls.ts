import type { FileEffect } from '../core/index.js';
import { constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** @internal What a path argument of an fs call does to the file it names. */
export type PathRole = FileEffect['op'];

/** @internal One family of path-taking functions: `name` (callback), `nameSync` and `fs.promises.name`. */
export interface FsFamily {
  readonly name: string;
  /** The role of each leading path argument, in order (`copyFile(src, dest)`: read, then write). */
  readonly roles: readonly PathRole[];
  /** The syscall node names in its errors. */
  readonly syscall: string;
  /** True when the call fails with ENOENT if the (first) path does not exist; otherwise its parent must exist. */
  readonly needsTarget: boolean;
  /** Which forms exist: `c` callback, `s` sync, `p` promises. */
  readonly forms: string;
  /** False when the call acts on the last segment itself, not on what a symlink there points at (unlink, rename). */
  readonly followsLast: boolean;
}

/** Calls that do not follow a symlink in the last segment of their paths: the name itself is read, made or removed. */
const KEEP_LAST = new Set(['lstat', 'readlink', 'lchmod', 'lchown', 'lutimes', 'mkdir', 'mkdtemp', 'rename', 'link', 'symlink', 'unlink', 'rm', 'rmdir']);

const family = (name: string, roles: readonly PathRole[], syscall: string, needsTarget: boolean, forms = 'csp'): FsFamily => ({
  name,
  roles,
  syscall,
  needsTarget,
  forms,
  followsLast: !KEEP_LAST.has(name),
});

/**
 * @internal
 * Every path-taking function of `node:fs`, by family. `open` is a read unless its flags write; the two stream
 * constructors are handled apart (their failure travels through the stream). `watch`, fd and FileHandle methods
 * take no path the handler could steer and are left alone.
 */
export const FS_FAMILIES: readonly FsFamily[] = [
  family('access', ['other'], 'access', true),
  family('exists', ['other'], 'access', true, 'cs'),
  family('stat', ['other'], 'stat', true),
  family('lstat', ['other'], 'lstat', true),
  family('statfs', ['other'], 'statfs', true),
  family('realpath', ['other'], 'realpath', true),
  family('readlink', ['other'], 'readlink', true),
  family('readFile', ['read'], 'open', true),
  family('open', ['read'], 'open', true),
  family('readdir', ['list'], 'scandir', true),
  family('opendir', ['list'], 'opendir', true),
  family('writeFile', ['write'], 'open', false),
  family('appendFile', ['write'], 'open', false),
  family('truncate', ['write'], 'open', true),
  family('mkdir', ['write'], 'mkdir', false),
  family('mkdtemp', ['write'], 'mkdtemp', false),
  family('chmod', ['write'], 'chmod', true),
  family('lchmod', ['write'], 'chmod', true),
  family('chown', ['write'], 'chown', true),
  family('lchown', ['write'], 'lchown', true),
  family('utimes', ['write'], 'utime', true),
  family('lutimes', ['write'], 'lutime', true),
  family('copyFile', ['read', 'write'], 'copyfile', true),
  family('cp', ['read', 'write'], 'cp', true),
  family('rename', ['delete', 'write'], 'rename', true),
  // A hard link is a second name for the source file: writes through the new name change it wherever it lives, and
  // no realpath can see that, so the source of a link is judged as a write.
  family('link', ['write', 'write'], 'link', true),
  family('symlink', ['other', 'write'], 'symlink', false),
  family('unlink', ['delete'], 'unlink', true),
  family('rm', ['delete'], 'rm', true),
  family('rmdir', ['delete'], 'rmdir', true),
];

const WRITE_BITS = constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;

/** @internal Whether `open` flags (string like `'a+'` or numeric) can change the file. Default `'r'` does not. */
export function flagsWrite(flags: unknown): boolean {
  if (typeof flags === 'string') return /[wa+]/.test(flags);
  if (typeof flags === 'number') return (flags & WRITE_BITS) !== 0;
  return false;
}

/**
 * @internal
 * A path argument as node will read it: a string, a Buffer (decoded as UTF-8) or a `file:` URL (percent-decoded).
 * `undefined` for fds, FileHandles and anything node itself will reject before touching the disk.
 */
export function decodePath(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof Uint8Array) return Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength).toString('utf8');
  if (typeof arg === 'object' && arg !== null && typeof (arg as { href?: unknown }).href === 'string') {
    try {
      return fileURLToPath(arg as URL);
    } catch {
      return undefined; // not a file: URL, or an encoded slash: node throws before any I/O
    }
  }
  return undefined;
}
