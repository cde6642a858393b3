import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Placement } from '../../../src/core/index.js';
import type { Payload } from '../../../src/payloads/types.js';
import { loadPayloads } from '../../../src/payloads/index.js';
import { buildCase, caseSpaceForSamples, caseSpaceForSource, getEventSource, sourceIds } from '../../../generators/index.js';
import type { CaseSpace } from '../../../generators/index.js';
import { detectSource } from '../../../generators/sample/index.js';

// Issue 7 point 2: with a real S3 sample, a lone surrogate made encodeURIComponent throw inside the S3-key codec
// and the run ended with exit 3. Every payload, and any string at all, written at every injection point of every
// source (generated events and real samples) gives an event, or is passed over for the next payload: never a throw.
const eventsDir = fileURLToPath(new URL('../../fixtures/events/', import.meta.url));
const sampleSpaces: [string, CaseSpace][] = sourceIds.flatMap((id) =>
  readdirSync(`${eventsDir}${id}`)
    .filter((file) => file.endsWith('.json'))
    .map((file): [string, CaseSpace] => {
      const sample = JSON.parse(readFileSync(`${eventsDir}${id}/${file}`, 'utf8')) as unknown;
      return [`${id}/${file}`, caseSpaceForSamples([sample], getEventSource(detectSource(sample) ?? id))];
    }),
);
const spaces: [string, CaseSpace][] = [...sourceIds.map((id): [string, CaseSpace] => [`generated ${id}`, caseSpaceForSource(getEventSource(id))]), ...sampleSpaces];
const PLACEMENTS: readonly Placement[] = ['replace', 'append', 'before-extension'];
const asPayload = (template: string): Payload => ({ id: 'arbitrary', family: 'arbitrary', template, contexts: ['any'], confirms: [], proves: 'nothing' });
const baseOf = (space: CaseSpace): unknown => fc.sample(space.base, { seed: 1, numRuns: 1 })[0];

/** Every target of the space's event, each placement: the case is built or the payload passed over. */
function injectEverywhere(space: CaseSpace, event: unknown, payload: Payload): void {
  const targets = space.targetsFor(event).length;
  for (let pointPick = 0; pointPick < targets; pointPick++) {
    for (const placement of PLACEMENTS) {
      const built = buildCase(space, [payload], { event, pointPick, fieldPick: pointPick, payloadPick: 0, placement, canary: 'efzcanary00001' });
      if (built.injection !== null) expect(built.injection.payloadId).toBe(payload.id);
    }
  }
}

describe('no input crashes case building', () => {
  it('covers the samples of every source', () => {
    expect(new Set(sampleSpaces.map(([, space]) => space.sourceId))).toEqual(new Set(sourceIds));
  });

  it.each(spaces)('%s: every payload of the corpus at every point', (_name, space) => {
    const event = baseOf(space);
    for (const payload of loadPayloads()) injectEverywhere(space, event, payload);
  });

  it.each(spaces)('%s: arbitrary unicode, lone surrogates, NUL and control characters', (_name, space) => {
    const event = baseOf(space);
    const text = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom('\uD800', '\uDC00', '\u0000', '\u001f', '%', '+', '/', '"', '\\', ';', '=', 'a') }),
    );
    fc.assert(fc.property(text, (template) => injectEverywhere(space, event, asPayload(template))), { numRuns: 60 });
  });

  it.each(spaces)('%s: a 1 MB value', (_name, space) => {
    injectEverywhere(space, baseOf(space), asPayload(`${'\uD800x'.repeat(8)}${'A'.repeat(1 << 20)}`));
  });

  it('passes over a lone surrogate in an S3 key for the next payload, keeping a valid key', () => {
    const space = sampleSpaces.find(([name]) => name.startsWith('s3/'))![1];
    const event = baseOf(space);
    const built = buildCase(space, [asPayload('a\uD800b'), asPayload('plain-next')], { event, pointPick: 0, fieldPick: 0, payloadPick: 0, placement: 'replace', canary: 'efzcanary00001' });
    expect(JSON.stringify(built.event)).not.toContain('\\ud800');
  });
});
