import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { caseSpaceForSource, eventSources, fuzzCaseArbitrary, sourceIds } from '../generators/index.js';
import { loadPayloads } from '../src/payloads/index.js';
import { measure, type BenchRow } from './measure.js';

/**
 * A naive baseline of similar size (~0.7 KB): one fc.record tree, the way a generator is usually written first.
 * Measured in the same run as the generators so the ratio holds on any machine.
 */
function baselineRecord(): fc.Arbitrary<unknown> {
  const text = fc.string({ maxLength: 24 });
  return fc.record({
    resource: text,
    path: text,
    httpMethod: fc.constantFrom('GET', 'POST', 'PUT'),
    headers: fc.dictionary(text, text, { maxKeys: 8 }),
    queryStringParameters: fc.option(fc.dictionary(text, text, { maxKeys: 4 })),
    requestContext: fc.record({ accountId: text, apiId: text, requestId: fc.uuid(), requestTimeEpoch: fc.nat(), identity: fc.record({ sourceIp: fc.ipV4(), userAgent: text }) }),
    body: fc.option(fc.json()),
    isBase64Encoded: fc.boolean(),
  });
}

function generator(arbitrary: fc.Arbitrary<unknown>): () => void {
  const random = new fc.Random(xoroshiro128plus(7));
  return () => {
    arbitrary.generate(random, undefined);
  };
}

/** events/s per source, valid and injected, each beside the fc.record baseline. */
export function benchGeneration(seconds: number): BenchRow[] {
  const baseline = measure('baseline: fc.record, API-Gateway-like', generator(baselineRecord()), seconds);
  const payloads = loadPayloads();
  const rows: BenchRow[] = [baseline];
  for (const id of sourceIds) {
    const source = eventSources[id] as unknown as Parameters<typeof caseSpaceForSource>[0];
    rows.push(measure(`${id}: valid`, generator(source.arbitrary()), seconds, baseline));
    rows.push(measure(`${id}: injected`, generator(fuzzCaseArbitrary({ space: caseSpaceForSource(source), payloads }).map((c) => c.event)), seconds, baseline));
  }
  return rows;
}
