import { constants, lstatSync, readlinkSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/*
 * Where a path really lands: the guard must judge the file the OS will touch, not the string the handler passed.
 * `/tmp/link/x` with /tmp/link a symlink to a home directory writes into that home directory, and `..` after a
 * symlink climbs from the link's target, not from the link (the kernel resolves `a/link/../b` inside the target's
 * parent, while path.resolve would give `a/b`). So the path is walked one segment at a time, as the kernel does:
 * each existing symlink is replaced by its target, and once a segment does not exist the rest is appended as is
 * (the call will create it, or fail). A dangling symlink is followed too: `open(O_CREAT)` creates its target.
 */

// Captured at load, before the fs probe wraps the exports and before the handler can patch them (STYLE §11): the
// walk must neither be recorded as the handler's calls nor be steered by a patched fs or String.prototype.
const lstat = lstatSync;
const readlink = readlinkSync;
const apply = Reflect.apply;
const stringSplit = String.prototype.split;
// The mode bits, not Stats#isSymbolicLink: a handler can replace a prototype method, not a number read at load.
const S_IFMT = constants.S_IFMT;
const S_IFLNK = constants.S_IFLNK;
/** The kernel refuses longer paths (ENAMETOOLONG) without touching anything; walking them would only cost time. */
const PATH_MAX = 4_096;
/** The kernel gives up after 40 links (ELOOP); so does the walk, and the call then fails anyway. */
const MAX_LINKS = 40;

/**
 * @internal
 * The absolute location `path` (relative to `base`) reaches once the symlinks of its existing prefix are
 * followed. With `followLast` false the last segment is kept as is (unlink, rename, symlink, mkdir act on the name
 * itself, not on what a symlink there points at), only its directory is resolved.
 */
export function realLocation(path: string, base: string, followLast: boolean): string {
  if (path.length > PATH_MAX) return resolve(base, path);
  // A stack of the segments still to walk, the next one last.
  const pending: string[] = [];
  // Not path.join: it would drop a `..` that follows a symlink before the walk could see it.
  pushSegments(pending, path);
  if (!isAbsolute(path)) pushSegments(pending, base);
  let current = '/';
  let missing = false;
  let links = 0;
  while (pending.length > 0) {
    const segment = pending[pending.length - 1] as string;
    pending.length--;
    if (segment === '.') continue;
    if (segment === '..') {
      // `current` holds no symlink, so its lexical parent is its real parent.
      current = resolve(current, '..');
      continue;
    }
    const next = join(current, segment);
    if (missing || (!followLast && pending.length === 0)) {
      current = next;
      continue;
    }
    const entry = inspect(next);
    if (entry === 'missing' || entry === 'other') {
      current = next;
      missing = entry === 'missing';
    } else if (++links > MAX_LINKS) {
      return rest(next, pending);
    } else {
      if (isAbsolute(entry)) current = '/';
      pushSegments(pending, entry);
    }
  }
  return current;
}

/** A symlink's target, `other` for any other existing entry, `missing` when there is none (or it cannot be read). */
function inspect(path: string): string {
  try {
    const stats = lstat(path, { throwIfNoEntry: false });
    if (stats === undefined) return 'missing';
    // A target is never `missing` or `other` as such: those are relative names, returned prefixed with `./`.
    if ((stats.mode & S_IFMT) !== S_IFLNK) return 'other';
    const target = readlink(path, 'utf8');
    return target === 'missing' || target === 'other' ? `./${target}` : target;
  } catch {
    return 'missing'; // ENOTDIR, EACCES, ENAMETOOLONG: the OS would stop here too
  }
}

/** Pushes the segments of `path` so that the first one is walked next. */
function pushSegments(pending: string[], path: string): void {
  const segments = apply(stringSplit, path, ['/']) as string[];
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] as string;
    if (segment !== '') pending[pending.length] = segment;
  }
}

/** `at` with the unwalked segments appended lexically (the loop of links stops the walk). */
function rest(at: string, pending: readonly string[]): string {
  let out = at;
  for (let i = pending.length - 1; i >= 0; i--) out = resolve(out, pending[i] as string);
  return out;
}
