import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPayloads } from '../../../src/payloads/index.js';
import { caseSpaceForSource, formatPath, fuzzCaseArbitrary, getEventSource, parseConcretePath, readAt, sourceIds, withStoredPayload } from '../../../generators/index.js';
import { withOtherPayload } from '../../../generators/payload-free.js';
import type { FuzzCase } from '../../../src/core/index.js';

// A corpus entry is JSON: the in-process rewriter of a case does not survive it. Replaying a stored timing finding
// writes other doses into the stored case, and must write them exactly where and how the campaign did.
const OTHER = 'efz-other-sleep-2';
/**
 * A path its resource template no longer matches keeps whichever parameters the event held before: the stored
 * event held the campaign's payload there, the campaign's base its own. Both are events API Gateway can send.
 */
const comparable = (fuzzCase: FuzzCase | undefined): unknown => {
  const event = fuzzCase?.event as Record<string, unknown> | undefined;
  return ['path', 'rawPath'].includes(fuzzCase?.injection?.target ?? '') ? { ...event, pathParameters: 'ignored' } : event;
};
const SHELL = "efz'; sleep 2 #";
const asStored = (fuzzCase: FuzzCase): FuzzCase => JSON.parse(JSON.stringify(fuzzCase)) as FuzzCase;

describe('parseConcretePath', () => {
  it('reads back what formatPath wrote: names, indexes, quoted keys and codecs', () => {
    const paths = [['body', { codec: 'json' }, 'user', 'name'], ['Records', 0, 's3', 'object', 'key', { codec: 's3-key' }], ['headers', 'x-user'], ['headers', 'a b."c"'], ['multiValueQueryStringParameters', '1x', 2]] as const;
    for (const path of paths) expect(parseConcretePath(formatPath(path))).toEqual(path);
  });

  it('refuses text that is no path', () => {
    for (const text of ['', '.body', 'body[', 'body<nope>', 'body..x', 'body["unterminated]']) expect(parseConcretePath(text)).toBeUndefined();
  });
});

describe('withStoredPayload', () => {
  it.each(sourceIds)('%s: a case read back from JSON carries another payload exactly as the campaign would have written it', (id) => {
    const source = getEventSource(id);
    const cases = fc.sample(fuzzCaseArbitrary({ space: caseSpaceForSource(source), payloads: loadPayloads() }), { seed: 7, numRuns: 300 });
    let compared = 0;
    for (const fuzzCase of cases) {
      const expected = withOtherPayload(fuzzCase, OTHER);
      // An empty payload has no place of its own to find again.
      if (expected === undefined || fuzzCase.injection?.payload === '') continue;
      const stored = withStoredPayload(asStored(fuzzCase), OTHER, source.sync);
      expect(comparable(stored), fuzzCase.injection?.target).toEqual(comparable(expected));
      expect(stored?.injection?.payload).toBe(OTHER);
      // Any text lands in the same field with the same placement and encodings.
      const path = parseConcretePath(fuzzCase.injection!.target)!;
      const shell = withStoredPayload(asStored(fuzzCase), SHELL, source.sync);
      if (shell !== undefined) expect(readAt(shell.event, path)).toEqual(readAt(withOtherPayload(fuzzCase, SHELL)!.event, path));
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('gives undefined when the stored field no longer holds the stored payload', () => {
    const source = getEventSource('sqs');
    const [fuzzCase] = fc.sample(fuzzCaseArbitrary({ space: caseSpaceForSource(source), payloads: loadPayloads().filter((p) => p.json !== true) }), { seed: 3, numRuns: 1 });
    const stored = asStored(fuzzCase!);
    expect(withStoredPayload({ ...stored, injection: { ...stored.injection!, payload: 'not-in-the-event-efz' } }, OTHER, source.sync)).toBeUndefined();
    expect(withStoredPayload({ ...stored, injection: { ...stored.injection!, target: 'Records[0].nowhere' } }, OTHER, source.sync)).toBeUndefined();
    expect(withStoredPayload({ ...stored, injection: null }, OTHER, source.sync)).toBeUndefined();
  });
});
