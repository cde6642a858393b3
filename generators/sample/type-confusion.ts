import { formatPath, readAt, writeAt } from '../inject.js';
import type { ConcretePath } from '../inject.js';
import type { SourceId } from '../types.js';
import { collectLeaves } from './discover.js';
import { detectSource } from './detect-source.js';

/** One way a variant changes a sample. */
export type TypeConfusionId =
  | 'as-array'
  | 'as-empty-object'
  | 'as-object'
  | 'as-number'
  | 'as-boolean'
  | 'as-null'
  | 'as-empty-string'
  | 'query-array-key';

/** A change to one field of an event, described as data and applied on demand. */
export interface TypeConfusionVariant {
  /** The field written (for `query-array-key`, the added `name[]` key). */
  readonly path: ConcretePath;
  /** `path`, formatted: `body<json>.quantity`. */
  readonly target: string;
  readonly mutator: TypeConfusionId;
  /**
   * A copy of `event` with the change made (copy-on-write, `event` is not mutated); `event` itself when the field
   * is not there. Usually applied to the sample the variant came from, but any event of the same shape works.
   */
  apply<E>(event: E): E;
}

interface Retype {
  readonly id: TypeConfusionId;
  /** The replacement for `old`, or `undefined` when it would not change the type. */
  readonly value: (old: unknown) => unknown;
}

/**
 * Replacements, most telling first. An array of the old value is the `?name[]=x` trick: `String(['x']) === 'x'`,
 * so a check on the string form passes while `.includes`, `.length` or a driver see an array. `{"x":"y"}` is an
 * object a query builder (Mongo, Sequelize) reads as operators.
 */
const RETYPES: readonly Retype[] = [
  { id: 'as-array', value: (old) => [old] },
  { id: 'as-empty-object', value: () => ({}) },
  { id: 'as-object', value: () => ({ x: 'y' }) },
  { id: 'as-number', value: (old) => (typeof old === 'number' ? undefined : typeof old === 'string' && old.trim() !== '' && Number.isFinite(Number(old)) ? Number(old) : 0) },
  { id: 'as-boolean', value: (old) => (typeof old === 'boolean' ? undefined : true) },
  { id: 'as-null', value: (old) => (old === null ? undefined : null) },
  { id: 'as-empty-string', value: (old) => (old === '' ? undefined : '') },
];

/**
 * Type-confusion variants of `sample`. Only where the sender chose the type can it change: every scalar inside
 * JSON (a JSON body or message, a custom event), retyped as in `RETYPES`; envelope fields AWS builds keep their
 * types, as AWS would never deliver them otherwise. In API Gateway events, each query parameter `name` also gets a
 * `name[]` copy, which PHP-style and `qs` parsers read as an array.
 */
export function typeConfusionVariants(sample: unknown, source: SourceId | undefined = detectSource(sample)): TypeConfusionVariant[] {
  const variants: TypeConfusionVariant[] = [];
  for (const leaf of collectLeaves(sample, source)) {
    if (!leaf.inJson) continue;
    for (const retype of RETYPES) {
      if (retype.value(leaf.value) === undefined) continue;
      variants.push(retypeVariant(leaf.path, retype));
    }
  }
  if (source === 'apigw-rest' || source === 'apigw-http') variants.push(...queryArrayKeyVariants(sample, source));
  return variants;
}

function retypeVariant(path: ConcretePath, retype: Retype): TypeConfusionVariant {
  return {
    path,
    target: formatPath(path),
    mutator: retype.id,
    apply<E>(event: E): E {
      const old = readAt(event, path);
      const value = old === undefined ? undefined : retype.value(old);
      // JSON positions take any value: the json codec stringifies the decoded document with the new one in it
      return value === undefined ? event : writeAt(event, path, () => value);
    },
  };
}

function queryArrayKeyVariants(sample: unknown, source: 'apigw-rest' | 'apigw-http'): TypeConfusionVariant[] {
  const query = readAt(sample, ['queryStringParameters']);
  if (typeof query !== 'object' || query === null) return [];
  return Object.keys(query)
    .filter((name) => !name.endsWith('[]') && !Object.hasOwn(query, `${name}[]`))
    .map((name) => {
      const path: ConcretePath = ['queryStringParameters', `${name}[]`];
      return { path, target: formatPath(path), mutator: 'query-array-key', apply: <E>(event: E): E => addArrayKey(event, name, source) };
    });
}

/** Adds `name[]` next to `name`, keeping the maps API Gateway derives from one query string in agreement. */
function addArrayKey<E>(event: E, name: string, source: 'apigw-rest' | 'apigw-http'): E {
  const value = readAt(event, ['queryStringParameters', name]);
  if (typeof value !== 'string') return event;
  const key = `${name}[]`;
  let out = writeAt(event, ['queryStringParameters', key], () => value);
  if (source === 'apigw-rest') {
    const all = readAt(event, ['multiValueQueryStringParameters', name]);
    out = writeAt(out, ['multiValueQueryStringParameters', key], () => (Array.isArray(all) ? [...(all as unknown[])] : [value]));
  } else {
    // Clients send brackets unencoded (the URL standard leaves them alone in a query), and HTTP API keeps the raw form
    const pair = `${encodeURIComponent(name)}[]=${encodeURIComponent(value)}`;
    out = writeAt(out, ['rawQueryString'], (raw) => (typeof raw === 'string' && raw !== '' ? `${raw}&${pair}` : pair));
  }
  return out;
}
