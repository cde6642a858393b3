import type { Placement } from '../src/core/index.js';
import { codecs, NO_MATCH } from './codecs.js';
import type { CodecId } from './codecs.js';

/**
 * One step of a path into an event:
 * - a key or an index;
 * - `'*'`: every key of an object or element of an array;
 * - `'**'`: every string leaf at any depth below (objects and arrays, not through encodings);
 * - `{ codec }`: the field is a string in that encoding; the rest of the path walks its decoded value.
 */
export type Segment = string | number | '*' | '**' | { readonly codec: CodecId };
export type Path = readonly Segment[];
/** A path with no wildcards: it names one field. */
export type ConcretePath = readonly (string | number | { readonly codec: CodecId })[];

/** `['Records','*','body',{codec:'json'},'id']` → `Records[*].body<json>.id` */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (segment === '*') out += out === '' ? '*' : '[*]';
    else if (typeof segment === 'object') out += `<${segment.codec}>`;
    else if (segment === '**') out += out === '' ? '**' : '.**';
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A field that a pattern named: its concrete path and its (decoded) string value. */
export interface ResolvedField {
  readonly path: ConcretePath;
  readonly value: string;
}

/**
 * Every concrete field of `event` that `pattern` names and that holds a string, decoding through codecs on the
 * way. A codec whose field is not in that encoding (a body that is not JSON) matches nothing.
 */
export function resolvePaths(event: unknown, pattern: Path): ConcretePath[] {
  return resolveFields(event, pattern).map((field) => field.path);
}

/** As `resolvePaths`, with each field's value: the case builder then need not walk (and decode) again to read it. */
export function resolveFields(event: unknown, pattern: Path): ResolvedField[] {
  const found: ResolvedField[] = [];
  walk(event, event, pattern, 0, [], found);
  return found;
}

type Step = ConcretePath[number];

/**
 * `prefix` is one stack shared by the whole walk (pushed and popped around each step) and copied only for a match:
 * a `**` over a JSON body visits dozens of containers, and copying the path at each was most of the walk's cost.
 */
function walk(root: unknown, value: unknown, pattern: Path, at: number, prefix: Step[], found: ResolvedField[]): void {
  if (at === pattern.length) {
    if (typeof value === 'string') found.push({ path: prefix.slice(), value });
    return;
  }
  const segment = pattern[at]!;
  if (typeof segment === 'object') {
    if (typeof value !== 'string') return;
    const decoded = codecs[segment.codec].decode(value, root);
    if (decoded !== NO_MATCH) step(root, decoded, pattern, at, prefix, segment, found);
    return;
  }
  if (segment === '**') {
    collectLeaves(value, prefix, found);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (segment === '*') {
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) step(root, value[i], pattern, at, prefix, i, found);
    else for (const key of Object.keys(value)) step(root, (value as Record<string, unknown>)[key], pattern, at, prefix, key, found);
    return;
  }
  if (Object.hasOwn(value, segment)) step(root, (value as Record<string | number, unknown>)[segment], pattern, at, prefix, segment, found);
}

/** Walks on from `pattern[at + 1]` into `child`, reached by `key`. */
function step(root: unknown, child: unknown, pattern: Path, at: number, prefix: Step[], key: Step, found: ResolvedField[]): void {
  prefix.push(key);
  walk(root, child, pattern, at + 1, prefix, found);
  prefix.pop();
}

function collectLeaves(value: unknown, prefix: Step[], found: ResolvedField[]): void {
  if (typeof value === 'string') found.push({ path: prefix.slice(), value });
  else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      prefix.push(i);
      collectLeaves(value[i], prefix, found);
      prefix.pop();
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      prefix.push(key);
      collectLeaves((value as Record<string, unknown>)[key], prefix, found);
      prefix.pop();
    }
  }
}

/** Reads the (decoded) value at a concrete path, or `undefined` when it is not there. */
export function readAt(event: unknown, path: ConcretePath): unknown {
  let value: unknown = event;
  for (const segment of path) {
    if (typeof segment === 'object') {
      if (typeof value !== 'string') return undefined;
      value = codecs[segment.codec].decode(value, event);
      if (value === NO_MATCH) return undefined;
    } else {
      if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
      value = (value as Record<string | number, unknown>)[segment];
    }
  }
  return value;
}

/**
 * Returns a copy of `event` where the field at `path` is replaced by `update(old)`, re-encoding through every
 * codec on the way up. Only the containers along the path are copied (the fuzzing loop is hot), so the result
 * shares untouched subtrees with `event`; neither is mutated. A missing last key is added (`update(undefined)`);
 * when nothing changes (the path breaks off earlier, a codec's field is not in that encoding, `update` returns its
 * argument) `event` itself is returned.
 */
export function writeAt<T>(event: T, path: ConcretePath, update: (old: unknown) => unknown): T {
  return rewrite(event, event, path, 0, update) as T;
}

function rewrite(root: unknown, value: unknown, path: ConcretePath, at: number, update: (old: unknown) => unknown): unknown {
  if (at === path.length) return update(value);
  const segment = path[at]!;
  if (typeof segment === 'object') {
    if (typeof value !== 'string') return value; // as in readAt: only a string field can hold an encoding
    const codec = codecs[segment.codec];
    const decoded = codec.decode(value, root);
    if (decoded === NO_MATCH) return value;
    const next = rewrite(root, decoded, path, at + 1, update);
    return next === decoded ? value : codec.encode(next, root, value);
  }
  if (typeof value !== 'object' || value === null) return value;
  const present = Object.hasOwn(value, segment);
  // A missing last key is created (adding `tag[]` to a query map); a missing container on the way is not.
  if (!present && at + 1 < path.length) return value;
  const old = present ? (value as Record<string | number, unknown>)[segment] : undefined;
  const next = rewrite(root, old, path, at + 1, update);
  if (present && next === old) return value;
  const copy = Array.isArray(value) ? [...(value as unknown[])] : { ...value };
  // defineProperty, not `=`: creating a `__proto__` key by assignment would set the copy's prototype instead.
  Object.defineProperty(copy, segment, { value: next, writable: true, enumerable: true, configurable: true });
  return copy;
}

/**
 * Places a payload into a field's decoded value. Handlers often check prefixes and suffixes, so besides replacing
 * the value the payload is appended to it, or set before its file extension (`report.csv` → `report<payload>.csv`).
 */
/** What follows a file name's last dot: a few letters or digits, nothing else. */
const EXTENSION = /^[A-Za-z0-9]{1,8}$/;
/** A value whose slashes can be directories: no quotes, braces or line breaks of a document around them. */
const PATH_LIKE = /^[^"{}\n]*$/;

export function place(original: string, payload: string, placement: Placement): string {
  switch (placement) {
    case 'replace':
      return payload;
    case 'append':
      return original + payload;
    case 'before-extension': {
      // Only before a real extension (`report.pdf`, `a/b.tar.gz`): the last dot of a JSON document, a sentence
      // or a version number is no extension, and a payload spliced there lands mid-token (inside a JSON string,
      // where its backslashes become escapes). Anything else gets the payload appended.
      const dot = original.lastIndexOf('.');
      const slash = original.lastIndexOf('/');
      return dot > slash + 1 && EXTENSION.test(original.slice(dot + 1)) ? original.slice(0, dot) + payload + original.slice(dot) : original + payload;
    }
    case 'segment': {
      // The directory the file is in (`site/<here>/page.md`): handlers that match a key against a pattern
      // take their parameters from the middle, and a whole-value or suffix payload no longer matches it.
      // Only in a path: the slashes of a JSON document or a sentence do not delimit directories.
      if (!PATH_LIKE.test(original)) return original + payload;
      const last = original.lastIndexOf('/');
      if (last < 0) return payload;
      const before = original.lastIndexOf('/', last - 1);
      return original.slice(0, before + 1) + payload + original.slice(last);
    }
  }
}

/**
 * Whether the value at `path` sits directly in a JSON document (its last encoding is JSON), so it may be
 * replaced by any JSON value: `body<json>.email` may become an object; `Message<json>.Records[*].s3.object.key<s3-key>`
 * is a string inside its own encoding and may not.
 */
export function holdsJsonValue(path: readonly Segment[]): boolean {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i]!;
    if (typeof segment === 'object') return segment.codec === 'json';
  }
  return false;
}
