import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';

/*
 * What a handler sees when the fs probe refuses a write or delete: the error node gives when the file system says
 * no. A missing target (or a missing parent directory for a file being created) is ENOENT, exactly as the real
 * call would fail; otherwise EACCES, as for an unprivileged Lambda user writing into /etc or /var/task.
 */

// Captured at load, before the probe wraps fs and before the handler can patch anything.
const exists = existsSync;
const SafeError = Error;
const DESCRIPTIONS = { ENOENT: 'no such file or directory', EACCES: 'permission denied' } as const;

/**
 * @internal
 * The failure of `syscall` on all its `paths` (as given; source then destination): ENOENT when the target, the
 * source, or the parent of the file being created does not exist, else EACCES. `undefined` when the real call would have succeeded without touching
 * anything (`rm` with `force` on a missing path).
 */
export function refusal(
  syscall: string,
  paths: readonly string[],
  needsTarget: boolean,
  options: { readonly force?: boolean; readonly recursiveMkdir?: boolean },
): Error | undefined {
  const first = paths[0] ?? '';
  let missing: boolean;
  try {
    const last = paths[paths.length - 1] ?? first;
    const createsLast = !needsTarget || paths.length > 1; // the single or the destination path is being created
    missing = options.recursiveMkdir !== true && ((needsTarget && !exists(first)) || (createsLast && !exists(dirname(last))));
  } catch {
    missing = true;
  }
  if (missing && options.force === true) return undefined;
  return fsError(missing ? 'ENOENT' : 'EACCES', syscall, paths);
}

/** @internal An error shaped like node's `uvException`: message, errno, code, syscall, path and dest. */
export function fsError(code: 'ENOENT' | 'EACCES', syscall: string, paths: readonly string[]): Error {
  const [path, dest] = paths;
  let message = `${code}: ${DESCRIPTIONS[code]}, ${syscall} '${path ?? ''}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const error = new SafeError(message) as Error & Record<string, unknown>;
  error['errno'] = -(constants.errno[code] ?? (code === 'ENOENT' ? 2 : 13));
  error['code'] = code;
  error['syscall'] = syscall;
  if (path !== undefined) error['path'] = path;
  if (dest !== undefined) error['dest'] = dest;
  return error;
}

/**
 * @internal
 * An `fs` option for a stream constructor whose `open` fails with `error`: node builds a genuine stream, and it
 * emits 'error' then 'close' as when the real open fails. Reads and writes never happen.
 */
export function failingStreamFs(error: Error, fs: Record<string, unknown>, defer: (fn: () => void) => void): Record<string, unknown> {
  return {
    open: (_path: unknown, _flags: unknown, _mode: unknown, callback: (e: Error) => void) => defer(() => callback(error)),
    close: fs['close'],
    read: fs['read'],
    write: fs['write'],
    writev: fs['writev'],
  };
}
