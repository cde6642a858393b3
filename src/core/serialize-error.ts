import { safeStringify } from './safe-globals.js';

/** A thrown value reduced to plain data, so it can cross a worker boundary and be compared and stored. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** `error.code` when it has one (ENOENT, ERR_…). */
  readonly code: string | undefined;
  /** False when the handler threw something that is not an Error (a string, an object, undefined). */
  readonly isError: boolean;
}

const MAX_MESSAGE = 4_000;

/**
 * Duck-typed on purpose: `instanceof Error` is false for errors from another realm (worker, vm), and a hostile
 * handler may throw objects whose getters throw. Never throws itself.
 */
export function serializeError(thrown: unknown): SerializedError {
  try {
    if (typeof thrown === 'object' && thrown !== null) {
      const record = thrown as Record<string, unknown>;
      const message = readString(record, 'message');
      const stack = readString(record, 'stack');
      if (message !== undefined || stack !== undefined) {
        return {
          name: readString(record, 'name') ?? 'Error',
          message: clip(message ?? ''),
          stack: stack === undefined ? undefined : clip(stack),
          code: readString(record, 'code'),
          isError: true,
        };
      }
    }
    return { name: typeName(thrown), message: clip(describe(thrown)), stack: undefined, code: undefined, isError: false };
  } catch {
    return { name: 'Unknown', message: '<unserializable thrown value>', stack: undefined, code: undefined, isError: false };
  }
}

function readString(record: Record<string, unknown>, key: string): string | undefined {
  try {
    const value = record[key];
    return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  } catch {
    return undefined;
  }
}

function typeName(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'undefined') return 'undefined';
  try {
    return safeStringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}… (${text.length - MAX_MESSAGE} more chars)` : text;
}
