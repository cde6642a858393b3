/**
 * @internal Observation text for `secret-leak`, flattened once per invocation into one string per destination
 * (response, logs) with labelled segments, so each needle is one native substring search.
 */
import type { Observation, Outcome } from '../core/index.js';
import { Buffer } from 'node:buffer';
import { safeArrayIsArray, safeObjectKeys } from '../core/safe-globals.js';

/** A hostile handler may return gigabytes, a cyclic graph or a deep chain; the oracle reads this much and stops. */
const MAX_NODES = 20_000;
const MAX_CHARS = 4_000_000;
const MAX_DEPTH = 256;
const HEADER_KEYS = new Set(['headers', 'multiValueHeaders', 'cookies']);

/** @internal Where text was found, for titles and evidence. */
export interface Segment {
  readonly label: string;
  readonly start: number;
  readonly end: number;
}

/** @internal One destination's text; `where` is the coarse part that goes into the signature. */
export interface Haystack {
  readonly where: 'response' | 'logs';
  readonly text: string;
  readonly segments: readonly Segment[];
}

/** @internal The segment holding `index`, or the whole text. */
export function segmentAt(haystack: Haystack, index: number): Segment {
  const found = haystack.segments.find((s) => index >= s.start && index < s.end);
  return found ?? { label: haystack.where, start: 0, end: haystack.text.length };
}

/** Joins labelled parts with NUL, which no needle contains, so a match never spans two parts. */
function join(where: Haystack['where'], parts: readonly (readonly [string, readonly string[]])[]): Haystack {
  const segments: Segment[] = [];
  let text = '';
  for (const [label, pieces] of parts) {
    if (pieces.length === 0) continue;
    const piece = pieces.join('\n');
    if (text.length > 0) text += '\u0000';
    segments.push({ label, start: text.length, end: text.length + piece.length });
    text += piece;
  }
  return { where, text, segments };
}

// Several oracles read the same observation's text; flatten it once. Keyed by identity, so entries go with
// their observations (an Observation and its Outcome are never modified after the runner returns them).
const logsCache = new WeakMap<Observation, Haystack>();
const responseCache = new WeakMap<Outcome, Haystack>();

/** @internal Log lines, then the thrown or crashing error (the runtime logs it). */
export function logsHaystack(observation: Observation): Haystack {
  let haystack = logsCache.get(observation);
  if (haystack === undefined) logsCache.set(observation, (haystack = buildLogsHaystack(observation)));
  return haystack;
}

function buildLogsHaystack(observation: Observation): Haystack {
  const error = errorOf(observation.outcome);
  const errorText = error === undefined ? [] : [error.name, error.message, error.stack ?? ''];
  return join('logs', [
    ['logs', observation.logs],
    ['thrown error', errorText],
  ]);
}

function errorOf(outcome: Outcome): { name: string; message: string; stack: string | undefined } | undefined {
  if (outcome.kind === 'threw') return outcome.error;
  if (outcome.kind === 'crashed') return outcome.error;
  return undefined;
}

/**
 * @internal The returned value as the caller receives it: every string, number and key reachable through own enumerable
 * properties (what JSON serialization sends), Buffers decoded. Strings are taken unescaped, so a JSON-escaped match
 * really was escaped by the handler. For API Gateway style results, `body` and header fields get their own labels.
 */
export function responseHaystack(outcome: Outcome): Haystack {
  let haystack = responseCache.get(outcome);
  if (haystack === undefined) responseCache.set(outcome, (haystack = buildResponseHaystack(outcome)));
  return haystack;
}

function buildResponseHaystack(outcome: Outcome): Haystack {
  if (outcome.kind !== 'returned') return { where: 'response', text: '', segments: [] };
  const budget: Budget = { nodes: MAX_NODES, chars: MAX_CHARS, seen: new WeakSet() };
  const body: string[] = [];
  const headers: string[] = [];
  const other: string[] = [];
  const value = outcome.value;
  if (isPlainRecord(value)) {
    budget.seen.add(value);
    for (const key of keysOf(value)) {
      other.push(key);
      collect(read(value, key), key === 'body' ? body : HEADER_KEYS.has(key) ? headers : other, budget);
    }
  } else {
    collect(value, other, budget);
  }
  return join('response', [
    ['response body', body],
    ['response headers', headers],
    ['response', other],
  ]);
}

interface Budget {
  nodes: number;
  chars: number;
  /** Objects already read: cycles and shared references are read once. */
  readonly seen: WeakSet<object>;
}

function collect(value: unknown, out: string[], budget: Budget, depth = 1): void {
  // Depth bound: a 100k-deep chain would overflow the stack, and JSON serialization would not send it either.
  if (--budget.nodes < 0 || budget.chars <= 0 || depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    out.push(value);
    budget.chars -= value.length;
  } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    out.push(String(value));
  } else if (typeof value === 'object' && value !== null && !budget.seen.has(value)) {
    budget.seen.add(value);
    const bytes = bufferBytes(value);
    if (bytes !== undefined) {
      const text = bytes.toString('utf8');
      out.push(text);
      budget.chars -= text.length;
      return;
    }
    if (safeArrayIsArray(value)) {
      const length = Number(read(value, 'length')) || 0;
      for (let i = 0; i < length && budget.nodes > 0; i++) collect(read(value, String(i)), out, budget, depth + 1);
      return;
    }
    for (const key of keysOf(value)) {
      out.push(key);
      collect(read(value, key), out, budget, depth + 1);
    }
  }
}

/** A Buffer or typed array, or a Buffer after JSON (`{ type: 'Buffer', data: [...] }`). */
function bufferBytes(value: object): Buffer | undefined {
  try {
    if (ArrayBuffer.isView(value)) {
      return Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, MAX_CHARS));
    }
    if (value instanceof ArrayBuffer) return Buffer.from(value, 0, Math.min(value.byteLength, MAX_CHARS));
    const record = value as { type?: unknown; data?: unknown };
    if (record.type === 'Buffer' && safeArrayIsArray(record.data)) {
      return Buffer.from((record.data as unknown[]).slice(0, MAX_CHARS) as number[]);
    }
  } catch {
    // a Proxy or a throwing getter: the value is hostile, read what else we can
  }
  return undefined;
}

function isPlainRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !safeArrayIsArray(value) && bufferBytes(value) === undefined;
}

// Getters and Proxy traps belong to the handler under test and may throw; a failed read is a missing value.
function keysOf(value: object): readonly string[] {
  try {
    return safeObjectKeys(value);
  } catch {
    return [];
  }
}

function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
