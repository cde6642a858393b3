import { writeAt } from '../inject.js';
import type { Entropy } from '../primitives/entropy.js';
import { typeConfusionVariants } from '../sample/type-confusion.js';
import { removeAt, slotsOf } from './fields.js';
import type { Slot } from './fields.js';
import { defineStructuralMutator } from './types.js';

/** Picks one slot that `accept`s, or `undefined` when none does. */
function pickSlot(event: unknown, e: Entropy, accept: (slot: Slot) => boolean): Slot | undefined {
  const slots = slotsOf(event).filter(accept);
  return slots.length === 0 ? undefined : e.pick(slots);
}

function retype(event: unknown, e: Entropy, accept: (value: unknown) => boolean, convert: (value: unknown) => unknown): unknown {
  const slot = pickSlot(event, e, (s) => accept(s.value));
  return slot === undefined ? undefined : writeAt(event, slot.path, () => convert(slot.value));
}

/** Any field, envelope or JSON body, set to `null`: `event.body.user.name` on a `null` user. */
export const nullField = defineStructuralMutator({
  id: 'null-field',
  description: 'One field (of the envelope or inside a JSON body) set to null.',
  apply: (event, e) => {
    const slot = pickSlot(event, e, (s) => s.value !== null);
    return slot === undefined ? undefined : writeAt(event, slot.path, () => null);
  },
});

/** Any object property removed: optional fields handlers forget (`requestContext.authorizer`, `Subject`). */
export const removeField = defineStructuralMutator({
  id: 'remove-field',
  description: 'One object property (of the envelope or inside a JSON body) removed.',
  apply: (event, e) => {
    const slot = pickSlot(event, e, (s) => s.isProperty);
    return slot === undefined ? undefined : removeAt(event, slot.path);
  },
});

/** A numeric-looking string becomes that number (other strings become 0): `"5"` vs `5` comparisons, `.trim()` on a number. */
export const stringToNumber = defineStructuralMutator({
  id: 'string-to-number',
  description: 'One string field re-typed as a number.',
  apply: (event, e) =>
    retype(event, e, (v) => typeof v === 'string', (v) => {
      const n = Number(v);
      return String(v).trim() !== '' && Number.isFinite(n) ? n : 0;
    }),
});

/** A number becomes its decimal text: `"1" + 1`, strict equality, schema checks. */
export const numberToString = defineStructuralMutator({
  id: 'number-to-string',
  description: 'One number field re-typed as a string.',
  apply: (event, e) => retype(event, e, (v) => typeof v === 'number', (v) => String(v)),
});

/** An object becomes the array of its values: property reads yield `undefined`, `Object.keys` yields indices. */
export const objectToArray = defineStructuralMutator({
  id: 'object-to-array',
  description: 'One object field re-typed as the array of its values.',
  apply: (event, e) => retype(event, e, (v) => typeof v === 'object' && v !== null && !Array.isArray(v), (v) => Object.values(v as object)),
});

/**
 * One of the sample type-confusion variants (see `typeConfusionVariants`): a value inside JSON the sender wrote
 * re-typed as an array, object, number, boolean, null or empty string, or a `name[]` query key.
 */
export const typeConfusion = defineStructuralMutator({
  id: 'type-confusion',
  description: 'A value inside a JSON body (or a custom event) re-typed, or a `name[]` query key added.',
  apply: (event, e) => {
    const variants = typeConfusionVariants(event);
    return variants.length === 0 ? undefined : e.pick(variants).apply(event);
  },
});
