import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

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
