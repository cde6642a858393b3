import { codecs } from '../codecs.js';
import type { ConcretePath } from '../inject.js';
import type { SourceId } from '../types.js';
import { detectSource } from './detect-source.js';
import { encodingAt, envelopeRules, isAttackerField, isNumberField } from './envelope-rules.js';
import type { EnvelopeRules, Holder } from './envelope-rules.js';

/**
 * A field of a sample an attacker writes: a string anywhere, or any scalar inside JSON.
 * @internal
 */
export interface SampleLeaf {
  readonly path: ConcretePath;
  readonly value: unknown;
  /**
   * Inside JSON the sender chose (a JSON body or message, or anywhere in a custom event): the value's *type* is
   * theirs too. Envelope fields AWS builds keep their types.
   */
  readonly inJson: boolean;
  /** An envelope field that only carries numbers (see `EnvelopeRules.numbers`). */
  readonly numeric?: boolean;
}

/**
 * Every attacker-controlled string field of `sample`, as concrete paths ready for `writeAt`:
 * - for a known source (given, or found by `detectSource`), the envelope fields AWS sets are left out (see
 *   `envelopeRules`), and fields in an encoding are reached through their codec: an S3 key through `s3-key`, a
 *   base64 body (`isBase64Encoded`) through `http-body`, each cookie of a `Cookie` header through `cookie-header`
 *   (the whole header is a point too), HTTP API `cookies[]` through `cookie-pair`, binary attributes through `base64`;
 * - a custom event (no known envelope): every string field;
 * - a string that holds a JSON object or array is a point itself, and so is every string inside it, through
 *   `{ codec: 'json' }`, at any depth (an SNS envelope in an SQS body, a JSON `Message` in it).
 *
 * Paths come in document order.
 */
export function discoverInjectionPoints(sample: unknown, source?: SourceId): ConcretePath[] {
  return discoverFields(sample, source).map((field) => field.path);
}

/**
 * `discoverInjectionPoints` with what each field accepts: `numeric` for a field AWS checks holds a number.
 * @internal
 */
export function discoverFields(sample: unknown, source?: SourceId): { readonly path: ConcretePath; readonly numeric: boolean }[] {
  return collectLeaves(sample, source)
    .filter((leaf) => typeof leaf.value === 'string')
    .map((leaf) => ({ path: leaf.path, numeric: leaf.numeric === true }));
}

/**
 * The attacker-written leaves of `sample` (see `discoverInjectionPoints`), with their values, including the
 * numbers, booleans and nulls inside JSON, which type confusion targets.
 * @internal
 */
export function collectLeaves(sample: unknown, source: SourceId | undefined = detectSource(sample)): SampleLeaf[] {
  const found: SampleLeaf[] = [];
  const rules = source === undefined ? undefined : envelopeRules[source];
  if (rules === undefined) walkJson(sample, [], found);
  else walkEnvelope({ root: sample, rules, found }, sample, [], {});
  return found;
}

interface Walk {
  readonly root: unknown;
  readonly rules: EnvelopeRules;
  readonly found: SampleLeaf[];
}

function walkEnvelope(walk: Walk, value: unknown, path: (string | number)[], holder: Holder): void {
  if (typeof value === 'string') {
    if (isAttackerField(walk.rules, path, holder, walk.root)) visitEnvelopeString(walk, value, path, holder);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of entries(value)) walkEnvelope(walk, child, [...path, key], value as Holder);
}

function visitEnvelopeString(walk: Walk, value: string, path: (string | number)[], holder: Holder): void {
  if (isNumberField(walk.rules, path, holder, walk.root)) {
    walk.found.push({ path, value, inJson: false, numeric: true });
    return;
  }
  const encoding = encodingAt(walk.rules, path, holder, walk.root);
  if (encoding === undefined) {
    visitString(value, path, false, walk.found);
    return;
  }
  if (encoding.andRaw === true) walk.found.push({ path, value, inJson: false });
  const decoded = codecs[encoding.codec].decode(value, walk.root);
  const decodedPath: ConcretePath = [...path, { codec: encoding.codec }];
  if (typeof decoded === 'string') visitString(decoded, decodedPath, false, walk.found);
  else if (typeof decoded === 'object' && decoded !== null) {
    // cookie-header: each cookie's value is a field of its own
    for (const [key, child] of entries(decoded)) {
      if (typeof child === 'string') visitString(child, [...decodedPath, key], false, walk.found);
    }
  }
  // NO_MATCH (a key with a bad escape, a body flagged base64 that is not) leaves nothing to target
}

/** A string is a point; if it holds a JSON object or array, its leaves are too. */
function visitString(value: string, path: ConcretePath, inJson: boolean, found: SampleLeaf[]): void {
  found.push({ path, value, inJson });
  const parsed = parseJsonContainer(value);
  if (parsed !== undefined) walkJson(parsed, [...path, { codec: 'json' }], found);
}

function walkJson(value: unknown, path: ConcretePath, found: SampleLeaf[]): void {
  if (typeof value === 'string') visitString(value, path, true, found);
  else if (typeof value !== 'object' || value === null) found.push({ path, value, inJson: true });
  else for (const [key, child] of entries(value)) walkJson(child, [...path, key], found);
}

function entries(value: object): [string | number, unknown][] {
  return Array.isArray(value) ? value.map((child: unknown, index) => [index, child]) : Object.entries(value);
}

/**
 * The parsed value when `text` is a JSON object or array; a JSON string or number stays text.
 * @internal
 */
export function parseJsonContainer(text: string): object | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
