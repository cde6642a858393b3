import type { z } from 'zod';
import { TARGET_KEYS, TOP_LEVEL_KEYS } from './schema.js';

/**
 * zod's issues as one line each, naming the key path the way a user finds it in the file:
 * `targets[1] ("orders").source: expected one of …; got "sqss"`.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], data: unknown): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = issue.path.length === 0 ? TOP_LEVEL_KEYS : TARGET_KEYS;
      return issue.keys.map((key) => `${keyPath([...issue.path, key], data)}: unknown key${suggestion(key, known)}`);
    }
    const value = valueAt(data, issue.path);
    const got = value === undefined ? 'missing' : `got ${show(value)}`;
    return [`${keyPath(issue.path, data)}: ${issue.message}; ${got}`];
  });
}

/** `targets[1] ("orders").source`; the name makes the index findable in a long list. */
export function keyPath(path: readonly PropertyKey[], data: unknown): string {
  let out = '';
  path.forEach((part, index) => {
    if (typeof part === 'number') {
      out += `[${part}]`;
      const name = (valueAt(data, path.slice(0, index + 1)) as { name?: unknown } | undefined)?.name;
      if (path[index - 1] === 'targets' && typeof name === 'string') out += ` (${JSON.stringify(name)})`;
    } else out += `${out === '' ? '' : '.'}${String(part)}`;
  });
  return out === '' ? '(top level)' : out;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let at = data;
  for (const part of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[part];
  }
  return at;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/** `; did you mean "source"?` for the closest known key, if it is close enough to be a typo. */
export function suggestion(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? `; did you mean "${best}"?` : `; expected one of ${known.join(', ')}`;
}

/** Levenshtein distance, with adjacent transpositions counting as one edit (`soruce` → `source`). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
