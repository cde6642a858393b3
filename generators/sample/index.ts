/**
 * Generation from the user's own events (`--sample FILE`): load them, find where an attacker writes, and derive
 * type-confusion variants. The sample stays intact apart from the one field a case writes.
 */
import type { ConcretePath } from '../inject.js';
import type { SourceId } from '../types.js';
import { discoverFields, discoverInjectionPoints } from './discover.js';
import { typeConfusionVariants } from './type-confusion.js';
import type { TypeConfusionVariant } from './type-confusion.js';

export { loadSamples } from './load-samples.js';
export { detectSource } from './detect-source.js';
export { discoverInjectionPoints } from './discover.js';
export { typeConfusionVariants } from './type-confusion.js';
export type { TypeConfusionId, TypeConfusionVariant } from './type-confusion.js';
export { envelopeRules, isNumberText } from './envelope-rules.js';
export type { EnvelopeRules, EncodingRule, FieldPattern } from './envelope-rules.js';

/**
 * The fields of `sample` to inject into: every attacker-controlled string leaf, through codecs and JSON-in-string
 * fields (see `discoverInjectionPoints`). `source` defaults to what `detectSource` finds; `undefined` there means
 * a custom event, where every string is a target.
 */
export function samplePoints(sample: unknown, source?: SourceId): ConcretePath[] {
  return discoverInjectionPoints(sample, source);
}

/**
 * The type-confusion variants of `sample` (see `typeConfusionVariants`): apply one with `variant.apply(sample)`
 * and record `variant.mutator` in the case's `mutators`.
 */
export function sampleVariants(sample: unknown, source?: SourceId): TypeConfusionVariant[] {
  return typeConfusionVariants(sample, source);
}

/** `samplePoints` with what each accepts: `numeric` for a field AWS checks holds a number. */
export function sampleFields(sample: unknown, source?: SourceId): { readonly path: ConcretePath; readonly numeric: boolean }[] {
  return discoverFields(sample, source);
}
