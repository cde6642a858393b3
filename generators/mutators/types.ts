import type { Entropy } from '../primitives/entropy.js';

/**
 * A change to the *shape* of an event rather than to a field's text: a field missing, null or of another type, a
 * batch empty, oversized or with a duplicated record, a value at the size limit. Handlers that trust the shape
 * crash, loop or leak here. Pure: `apply` never mutates `event` (results share untouched subtrees with it).
 */
export interface StructuralMutator {
  /** Recorded in `FuzzCase.mutators`; stable, kebab-case. */
  readonly id: string;
  readonly description: string;
  /** The mutated copy, or `undefined` when the mutator does not apply to this event (no `Records`, no strings). */
  apply(event: unknown, e: Entropy): unknown;
}

/** Identity helper that keeps the literal id type (STYLE: `defineXxx`). */
export function defineStructuralMutator<const Id extends string>(mutator: StructuralMutator & { readonly id: Id }): StructuralMutator & { readonly id: Id } {
  return mutator;
}
