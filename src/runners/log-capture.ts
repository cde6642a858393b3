import { Buffer } from 'node:buffer';
import { formatWithOptions, inspect } from 'node:util';
import { safePush } from '../core/safe-globals.js';

/** Bounds on what one invocation may log; a handler that floods must not grow our memory. */
export interface LogCaptureOptions {
  /** Default 200. */
  readonly maxEntries?: number;
  /** Default 64 KiB (UTF-8). */
  readonly maxBytes?: number;
}

/** Console and stdio capture, installed once for a runner's lifetime and switched on per invocation. */
export interface LogCapture {
  /** Start recording (and stop passing writes through to the real streams). */
  begin(): void;
  /** Stop recording; returns the entries, ending with `… N more bytes dropped` when the caps were hit. */
  end(): string[];
  /** Put console and stdio back as they were. */
  restore(): void;
}

type Write = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;
type ConsoleMethod = (...args: unknown[]) => void;

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const;
const textFormat = { colors: false, depth: 4 } as const;

/**
 * Replaces `console.*`, `process.stdout.write` and `process.stderr.write` so that, between `begin()` and `end()`,
 * every write becomes one entry and nothing reaches the terminal. Outside an invocation writes pass through (the
 * test runner's own output keeps working). Memory stays bounded: past the caps only byte counts are kept.
 */
export function installLogCapture(options: LogCaptureOptions = {}): LogCapture {
  const maxEntries = options.maxEntries ?? 200;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  let active = false;
  let entries: string[] = [];
  let bytes = 0;
  let dropped = 0;

  /** `size` is the true byte length when `text` is only the head of a larger Buffer chunk. */
  const record = (text: string, size: number = Buffer.byteLength(text)): void => {
    if (entries.length >= maxEntries || bytes >= maxBytes) {
      dropped += size;
      return;
    }
    const room = maxBytes - bytes;
    if (size <= room) {
      safePush(entries, text);
      bytes += size;
      return;
    }
    // Cut by bytes without encoding the whole (possibly huge) string: a char is at most 3 UTF-8 bytes here.
    const kept = Buffer.from(text.slice(0, room)).subarray(0, room).toString('utf8');
    const keptBytes = Buffer.byteLength(kept);
    safePush(entries, kept);
    bytes += keptBytes;
    dropped += size - keptBytes;
  };

  const savedConsole = new Map<string, unknown>();
  const target = console as unknown as Record<string, unknown>;
  for (const name of CONSOLE_METHODS) {
    const original = target[name];
    savedConsole.set(name, original);
    const format: (args: unknown[]) => string =
      name === 'dir'
        ? (args) => inspect(args[0], textFormat)
        : name === 'trace'
          ? (args) => `Trace: ${formatWithOptions(textFormat, ...args)}`
          : (args) => formatWithOptions(textFormat, ...args);
    const replacement: ConsoleMethod = (...args) => {
      if (!active) {
        if (typeof original === 'function') Reflect.apply(original, console, args);
        return;
      }
      try {
        record(format(args));
      } catch (error) {
        // A hostile `inspect` or getter must not break the invocation; note that output was lost.
        record(`[eventfuzz: console.${name} argument could not be formatted: ${String((error as Error)?.message)}]`);
      }
    };
    target[name] = replacement;
  }

  const patchStream = (stream: NodeJS.WriteStream): (() => void) => {
    const own = Object.prototype.hasOwnProperty.call(stream, 'write');
    const original = stream.write as Write;
    const replacement: Write = function (this: unknown, chunk, encoding, callback) {
      if (!active) return Reflect.apply(original, stream, [chunk, encoding, callback]) as boolean;
      if (chunk instanceof Uint8Array) record(bufferHead(chunk, encoding, maxBytes - bytes), chunk.byteLength);
      else record(typeof chunk === 'string' ? chunk : String(chunk));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    };
    stream.write = replacement as NodeJS.WriteStream['write'];
    return () => {
      if (own) stream.write = original as NodeJS.WriteStream['write'];
      else delete (stream as { write?: unknown }).write;
    };
  };
  const restoreStdout = patchStream(process.stdout);
  const restoreStderr = patchStream(process.stderr);

  return {
    begin() {
      entries = [];
      bytes = 0;
      dropped = 0;
      active = true;
    },
    end() {
      active = false;
      const out = entries;
      if (dropped > 0) safePush(out, `… ${dropped} more bytes dropped`);
      entries = [];
      return out;
    },
    restore() {
      active = false;
      for (const [name, original] of savedConsole) target[name] = original;
      restoreStdout();
      restoreStderr();
    },
  };
}

/** The start of a Buffer chunk as text: decoding stops at the remaining budget, so a huge chunk costs nothing. */
function bufferHead(chunk: Uint8Array, encoding: unknown, room: number): string {
  const length = Math.min(chunk.byteLength, Math.max(0, room));
  const charset = typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8';
  return Buffer.from(chunk.buffer, chunk.byteOffset, length).toString(charset);
}
