import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @internal Reads what other processes appended to a file since the last read. */
export interface LogTail {
  /** The text appended since the last call (or since creation); '' when there is none or the file is gone. */
  readNew(): string;
}

/** @internal A reader of an append-only log that our children write (the canary program, child node probes). */
export function createLogTail(file: string): LogTail {
  let offset = 0;
  return {
    readNew() {
      let fd: number | undefined;
      try {
        fd = openSync(file, 'r');
        const size = fstatSync(fd).size;
        if (size <= offset) return '';
        const buffer = Buffer.alloc(size - offset);
        const read = readSync(fd, buffer, 0, buffer.length, offset);
        offset += read;
        return buffer.subarray(0, read).toString('utf8');
      } catch {
        return ''; // the handler may have deleted the temp dir; no log means no proof, not a harness failure
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
}

/** @internal A fresh append-only log in its own temp dir, removed by `dispose` or at exit, with its reader. */
export interface TempLog extends LogTail {
  readonly dir: string;
  readonly file: string;
  dispose(): void;
}

/** @internal Creates `<tmpdir>/<prefix>XXXXXX/<name>` (empty) for children of ours to append to. */
export function createTempLog(prefix: string, name: string): TempLog {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, name);
  writeFileSync(file, '');
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    process.removeListener('exit', dispose);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', dispose);
  return { dir, file, dispose, ...createLogTail(file) };
}
