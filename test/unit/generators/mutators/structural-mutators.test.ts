import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAt } from '../../../../generators/inject.js';
import {
  applyStructuralMutators,
  duplicateRecord,
  emptyRecords,
  HUGE_VALUE_LENGTH,
  hugeValue,
  mutatedEvent,
  nullField,
  numberToString,
  objectToArray,
  OVERSIZED_BATCH_MIN,
  oversizedBatch,
  removeField,
  stringToNumber,
  structuralCases,
  structuralMutators,
  typeConfusion,
} from '../../../../generators/mutators/index.js';
import type { StructuralMutator } from '../../../../generators/mutators/index.js';
import { Entropy } from '../../../../generators/primitives/entropy.js';
import { discoverInjectionPoints } from '../../../../generators/sample/index.js';
import { deepFreeze, eventFixture, eventFixtureNames } from '../../../helpers/event-fixtures.js';

type SqsLike = { Records: { messageId: string; receiptHandle: string; body: string }[] };

const SEEDS = [0, 1, 42, 1234567];
const CUSTOM = { user: { name: 'a', age: 3, tags: ['x'] }, note: '{"inner":"z","n":1}' };

/** Every (path → value) of a JSON-like value, to compare two events field by field. */
function leaves(value: unknown, path = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof value !== 'object' || value === null) out.set(path, value);
  else for (const [k, v] of Object.entries(value)) for (const [p, x] of leaves(v, `${path}/${k}`)) out.set(p, x);
  return out;
}

describe('structural mutators: where they apply', () => {
  it.each<[StructuralMutator, unknown]>([
    [nullField, 'just a string'],
    [removeField, { list: [1, 2] }.list],
    [stringToNumber, { n: 1, list: [true] }],
    [numberToString, { s: 'x' }],
    [objectToArray, { list: ['x'] }],
    [typeConfusion, eventFixture('s3/put')],
    [emptyRecords, { Records: [] }],
    [emptyRecords, CUSTOM],
    [duplicateRecord, { Records: [] }],
    [oversizedBatch, CUSTOM],
    [hugeValue, { n: 1 }],
  ])('%# %s does not apply', (mutator, event) => {
    expect(mutator.apply(deepFreeze(event), new Entropy(1))).toBeUndefined();
  });

  it('null-field sets one field to null, in the envelope or inside JSON', () => {
    const nulled = SEEDS.map((seed) => [...leaves(nullField.apply(CUSTOM, new Entropy(seed)))].filter(([, v]) => v === null).length);
    expect(nulled.every((n) => n >= 1)).toBe(true);
    const reached = new Set(Array.from({ length: 40 }, (_, seed) => JSON.stringify(nullField.apply(CUSTOM, new Entropy(seed)))));
    expect([...reached].some((s) => s.includes('\\"inner\\":null'))).toBe(true);
  });

  it('remove-field removes one object property', () => {
    const out = removeField.apply(CUSTOM, new Entropy(3));
    expect(JSON.stringify(out).length).toBeLessThan(JSON.stringify(CUSTOM).length);
    const removedBody = Array.from({ length: 40 }, (_, seed) => removeField.apply(CUSTOM, new Entropy(seed)) as typeof CUSTOM);
    expect(removedBody.some((e) => e.note === '{"n":1}')).toBe(true);
  });

  it('re-types string → number, number → string, object → array', () => {
    const s2n = stringToNumber.apply({ a: '5' }, new Entropy(0));
    expect(s2n).toEqual({ a: 5 });
    expect(stringToNumber.apply({ a: 'x' }, new Entropy(0))).toEqual({ a: 0 });
    expect(numberToString.apply({ a: 5 }, new Entropy(0))).toEqual({ a: '5' });
    expect(objectToArray.apply({ a: { b: 1, c: 'd' } }, new Entropy(0))).toEqual({ a: [1, 'd'] });
  });

  it('type-confusion applies a sample variant', () => {
    const out = typeConfusion.apply(eventFixture('apigw-rest/proxy'), new Entropy(5));
    expect(out).toBeDefined();
    expect(out).not.toEqual(eventFixture('apigw-rest/proxy'));
  });

  it('empty-records empties the batch', () => {
    expect(emptyRecords.apply(eventFixture('sqs/standard'), new Entropy(0))).toMatchObject({ Records: [] });
  });

  it('duplicate-record repeats a record with the same messageId and a new receipt handle', () => {
    const sample = eventFixture('sqs/standard') as SqsLike;
    const out = duplicateRecord.apply(sample, new Entropy(7)) as SqsLike;
    expect(out.Records).toHaveLength(3);
    const ids = out.Records.map((r) => r.messageId);
    const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    expect(dup).toBeGreaterThan(0);
    expect(out.Records[dup]!.receiptHandle).not.toBe(out.Records[dup - 1]!.receiptHandle);
    expect(out.Records[dup]!.receiptHandle).toMatch(/^AQEB/);
    expect(out.Records[dup]!.body).toBe(out.Records[dup - 1]!.body);
    expect(out.Records[dup]).not.toBe(out.Records[dup - 1]); // no aliasing: a handler may mutate one record
  });

  it('oversized-batch repeats the batch past 100 records, each with its own id', () => {
    const out = oversizedBatch.apply(eventFixture('sqs/standard'), new Entropy(9)) as SqsLike;
    expect(out.Records.length).toBeGreaterThanOrEqual(OVERSIZED_BATCH_MIN);
    expect(new Set(out.Records.map((r) => r.messageId)).size).toBe(out.Records.length);
    expect(out.Records[2]!.body).toBe(out.Records[0]!.body);
  });

  it('huge-value puts 256 KiB into an attacker field, through its codec', () => {
    const sample = eventFixture('s3/put');
    const out = hugeValue.apply(sample, new Entropy(2));
    const key = readAt(out, discoverInjectionPoints(sample)[0]!) as string;
    expect(key).toHaveLength(HUGE_VALUE_LENGTH);
    const rest = hugeValue.apply(eventFixture('apigw-rest/proxy'), new Entropy(2));
    expect(JSON.stringify(rest).length).toBeGreaterThan(HUGE_VALUE_LENGTH);
    expect(readAt(rest, ['requestContext', 'requestId'])).toBe('f88e38e3-2060-4a56-93c0-9efbc6a659a0');
  });
});

describe('structural mutators: purity and determinism', () => {
  const samples = [...eventFixtureNames().map(eventFixture), CUSTOM];

  it.each(structuralMutators.map((m) => [m.id, m] as const))('%s never mutates its input and is deterministic for a seed', (_id, mutator) => {
    let applied = 0;
    for (const sample of samples) {
      const frozen = deepFreeze(structuredClone(sample));
      const before = JSON.stringify(frozen);
      for (const seed of SEEDS) {
        const first = mutator.apply(frozen, new Entropy(seed));
        expect(mutator.apply(frozen, new Entropy(seed))).toEqual(first);
        if (first !== undefined) {
          applied++;
          expect(first).not.toEqual(frozen);
        }
      }
      expect(JSON.stringify(frozen)).toBe(before);
    }
    expect(applied).toBeGreaterThan(0);
  });
});

describe('mutatedEvent', () => {
  const base = fc.constantFrom(...['sqs/standard', 'apigw-rest/proxy', 'apigw-http/proxy', 's3/put', 'sns/notification'].map((n) => deepFreeze(eventFixture(n))), deepFreeze(CUSTOM));
  const ids = new Set(structuralMutators.map((m) => m.id));

  it('applies one or two known mutators and records them', () => {
    fc.assert(
      fc.property(mutatedEvent(base), ({ mutators }) => {
        expect(mutators.length).toBeGreaterThanOrEqual(1);
        expect(mutators.length).toBeLessThanOrEqual(2);
        for (const id of mutators) expect(ids.has(id)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic for a seed', () => {
    expect(fc.sample(mutatedEvent(base), { seed: 42, numRuns: 20 })).toEqual(fc.sample(mutatedEvent(base), { seed: 42, numRuns: 20 }));
  });

  it('hands a pick that does not apply over to the next mutator', () => {
    // a custom event has no Records: empty-records, duplicate-record and oversized-batch pass, huge-value applies
    const pick = structuralMutators.findIndex((m) => m.id === 'empty-records');
    expect(applyStructuralMutators(CUSTOM, [pick], 1).mutators).toEqual(['huge-value']);
  });

  it('leaves an event no mutator applies to as it is', () => {
    const empty = deepFreeze({});
    expect(applyStructuralMutators(empty, [0, 3], 1)).toEqual({ event: empty, mutators: [] });
  });

  it('structuralCases builds payload-free cases', () => {
    const space = { sourceId: 'sqs', base: fc.constant(eventFixture('sqs/standard')), targetsFor: () => [], sync: (e: unknown) => e };
    for (const c of fc.sample(structuralCases(space), { seed: 3, numRuns: 10 })) {
      expect(c).toMatchObject({ source: 'sqs', injection: null });
      expect(c.mutators.length).toBeGreaterThan(0);
      expect(c.canary).toMatch(/^efz[a-z0-9]{12}$/);
    }
  });
});
