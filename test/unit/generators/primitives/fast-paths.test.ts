import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecs, NO_MATCH } from '../../../../generators/codecs.js';
import { render } from '../../../../generators/fuzz-case.js';
import { readAt, resolveFields, resolvePaths } from '../../../../generators/inject.js';
import { isoMs } from '../../../../generators/primitives/aws.js';
import { formatSnsJson, sqsEnvelopeBody, snsNotification } from '../../../../generators/primitives/sns-envelope.js';
import { Entropy } from '../../../../generators/primitives/entropy.js';
import { loadPayloads } from '../../../../src/payloads/index.js';
import { renderPayload } from '../../../../src/payloads/types.js';

/** The hand-written hot-path versions of library calls give exactly what the library gives. */
describe('fast paths', () => {
  it('isoMs is Date#toISOString, including day, month, leap-year and range edges', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (t) => isoMs(t) === new Date(t).toISOString()), { numRuns: 20_000 });
    for (const t of [0, 999, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 253_402_300_799_999, 253_402_300_800_000, -1]) {
      expect(isoMs(t)).toBe(new Date(t).toISOString());
    }
  });

  it('render is renderPayload for every payload of the corpus', () => {
    for (const payload of loadPayloads()) expect(render(payload, 'efzabcdefghijkl')).toBe(renderPayload(payload.template, 'efzabcdefghijkl'));
  });

  it('the json codec rejects non-JSON without parsing and accepts every JSON value', () => {
    for (const raw of ['Test message.', '{"a":1}<script>', "' OR 1=1--", '', '   ', 'nul', '{"a":']) expect(codecs.json.decode(raw, undefined)).toBe(NO_MATCH);
    for (const raw of ['{"a":1}', ' [1] ', '"x"', '-1', '12', 'true', 'false', 'null', '\n{}\n']) expect(codecs.json.decode(raw, undefined)).toEqual(JSON.parse(raw));
  });

  it('the json codec re-encodes an SNS envelope in SNS layout, other JSON compactly', () => {
    const body = sqsEnvelopeBody(snsNotification(new Entropy(3), { message: '{"id":"a"}', subject: 'Hi' }));
    const doc = codecs.json.decode(body, undefined) as Record<string, unknown>;
    const changed = { ...doc, Subject: 'changed' };
    expect(codecs.json.encode(changed, undefined, body)).toBe(formatSnsJson(changed));
    expect(codecs.json.encode(changed, undefined, JSON.stringify(doc))).toBe(JSON.stringify(changed));
  });

  it('resolveFields returns the paths resolvePaths does, with the values readAt reads', () => {
    const event = { Records: [{ body: '{"a":"x","b":["y",{"c":"z"}],"n":1}' }, { body: 'text' }] };
    const pattern = ['Records', '*', 'body', { codec: 'json' }, '**'] as const;
    const fields = resolveFields(event, pattern);
    expect(fields.map((f) => f.path)).toEqual(resolvePaths(event, pattern));
    expect(fields.map((f) => f.value)).toEqual(['x', 'y', 'z']);
    for (const field of fields) expect(readAt(event, field.path)).toBe(field.value);
  });
});
