import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseSpaceForSource, fuzzCaseArbitrary, getEventSource } from '../../../generators/index.js';
import type { CliIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { sampleValues } from '../../../src/cli/sample-stream.js';
import { loadPayloads } from '../../../src/payloads/index.js';
import { ROOT, runCli } from '../../e2e/helpers.js';

const take = <T>(values: Iterator<T>, count: number): T[] => Array.from({ length: count }, () => values.next().value as T);
const ndjson = (events: readonly unknown[]): string => `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;

describe('sampleValues: fc.sample, one value at a time', () => {
  it.each([
    ['nat', fc.nat()],
    ['string', fc.string()],
    ['record', fc.record({ a: fc.integer(), b: fc.array(fc.boolean()) })],
  ] as const)('gives what fc.sample gives for %s', (_name, arbitrary: fc.Arbitrary<unknown>) => {
    for (const seed of [0, 7, -123456, 2147483647]) expect(take(sampleValues(arbitrary, seed), 300)).toEqual(fc.sample(arbitrary, { seed, numRuns: 300 }));
  });
});

describe('eventfuzz generate: streamed, same bytes as before', () => {
  // What `generate` printed when it built every event first with fc.sample(arbitrary, { seed, numRuns: count }).
  const sqs = caseSpaceForSource(getEventSource('sqs'));

  it('--count 1000 --seed 7 is byte-identical to fc.sample', async () => {
    const result = await runCli(['generate', '--source', 'sqs', '--count', '1000', '--seed', '7']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(ndjson(fc.sample(sqs.base, { seed: 7, numRuns: 1000 })));
  });

  it('--inject --count 300 --seed 3 is byte-identical to fc.sample', async () => {
    const result = await runCli(['generate', '--source', 'sqs', '--inject', '--count', '300', '--seed', '3']);
    expect(result.code, result.stderr).toBe(0);
    const arbitrary = fuzzCaseArbitrary({ space: sqs, payloads: loadPayloads() }).map((c) => c.event);
    expect(result.stdout).toBe(ndjson(fc.sample(arbitrary, { seed: 3, numRuns: 300 })));
  });

  it('prints as it generates and stops once stdout is closed (generate | head)', async () => {
    const writes: string[] = [];
    const io: CliIo = {
      stdout: (text) => void writes.push(text),
      stderr: () => undefined,
      interactive: false,
      cwd: ROOT,
      stdoutClosed: () => writes.length > 0, // the reader went away after the first chunk
    };
    const started = performance.now();
    const code = await main(['generate', '--source', 'sqs', '--count', '200000', '--seed', '1'], io);
    expect(code).toBe(0);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n')).toHaveLength(257); // one chunk of 256 events, newline-terminated
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
