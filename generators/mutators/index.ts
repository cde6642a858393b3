/**
 * Structural mutators: changes to an event's shape (missing, null or re-typed fields, odd batches, values at the
 * size limit), kept apart from payload injection and recorded by id in `FuzzCase.mutators`.
 */
import fc from 'fast-check';
import type { FuzzCase } from '../../src/core/index.js';
import { canaryArbitrary } from '../canary.js';
import type { CaseSpace } from '../fuzz-case.js';
import { Entropy, entropySeed } from '../primitives/entropy.js';
import { duplicateRecord, emptyRecords, oversizedBatch } from './batch-mutators.js';
import { nullField, numberToString, objectToArray, removeField, stringToNumber, typeConfusion } from './field-mutators.js';
import { hugeValue } from './huge-value.js';
import type { StructuralMutator } from './types.js';

export type { StructuralMutator } from './types.js';
export { defineStructuralMutator } from './types.js';
export { nullField, removeField, stringToNumber, numberToString, objectToArray, typeConfusion } from './field-mutators.js';
export { emptyRecords, duplicateRecord, oversizedBatch, OVERSIZED_BATCH_MIN } from './batch-mutators.js';
export { hugeValue, HUGE_VALUE_LENGTH } from './huge-value.js';

/** Every structural mutator, simplest first: a shrunk case names the earliest one that still fails. */
export const structuralMutators: readonly StructuralMutator[] = [
  nullField,
  removeField,
  stringToNumber,
  numberToString,
  objectToArray,
  typeConfusion,
  emptyRecords,
  duplicateRecord,
  oversizedBatch,
  hugeValue,
];

/** An event after structural mutation, with the ids of the mutators applied, in order. */
export interface MutatedEvent {
  readonly event: unknown;
  readonly mutators: string[];
}

/**
 * Applies `structuralMutators[pick]` for each pick, in order, drawing every random choice from one `Entropy`
 * seeded with `seed`: the same arguments always give the same result. A mutator that does not apply hands over
 * to the next one in the list, so each pick applies something whenever any mutator can. `event` is not mutated.
 */
export function applyStructuralMutators(event: unknown, picks: readonly number[], seed: number): MutatedEvent {
  const e = new Entropy(seed);
  const applied: string[] = [];
  let current = event;
  for (const pick of picks) {
    for (let t = 0; t < structuralMutators.length; t++) {
      const mutator = structuralMutators[(pick + t) % structuralMutators.length]!;
      const next = mutator.apply(current, e);
      if (next === undefined) continue;
      current = next;
      applied.push(mutator.id);
      break;
    }
  }
  return { event: current, mutators: applied };
}

/**
 * Events from `base` with one or two structural mutators applied. Picks shrink towards the first mutators of
 * `structuralMutators` and towards a single one; the random choices inside a mutator come from a seed that does
 * not shrink, so a shrunk case still makes the same change.
 */
export function mutatedEvent(base: fc.Arbitrary<unknown>): fc.Arbitrary<MutatedEvent> {
  return fc
    .tuple(base, fc.array(fc.nat({ max: structuralMutators.length - 1 }), { minLength: 1, maxLength: 2 }), entropySeed())
    .map(([event, picks, seed]) => applyStructuralMutators(event, picks, seed));
}

/**
 * Cases without a payload whose events are structurally mutated base events of `space`. Derived fields are not
 * re-synced: an md5 that no longer matches is part of a malformed event.
 */
export function structuralCases(space: CaseSpace): fc.Arbitrary<FuzzCase> {
  return fc
    .tuple(mutatedEvent(space.base), canaryArbitrary())
    .map(([mutated, canary]) => ({ source: space.sourceId, event: mutated.event, canary, injection: null, mutators: mutated.mutators }));
}
