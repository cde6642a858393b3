// Shows: the two ways to use eventfuzz in an ordinary vitest suite, next to your own tests.
//        (a) fuzzTest: one call that fuzzes the handler with injected events and fails with one readable line
//            per finding (deterministic seed 1 by default; EFZ_SEED=random explores);
//        (b) the event arbitraries from 'eventfuzz/generators' in your own fast-check properties: realistic,
//            valid SQS events (standard and FIFO, JSON/text/SNS/S3 bodies) instead of hand-written fixtures.
// Try:   npx vitest run --config test/vitest.config.ts examples/06-unit-suite
//        EFZ_SEED=random npx vitest run --config test/vitest.config.ts examples/06-unit-suite
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sqsEvent } from 'eventfuzz/generators';
import { fuzzTest } from 'eventfuzz/vitest';
import { handler } from './handler.js';

// (a) Every oracle, every payload category; fails if anything is found.
fuzzTest('orders handler survives injected SQS events', {
  handler: new URL('./handler.ts', import.meta.url),
  source: 'sqs',
  runs: 300,
  testTimeoutMs: 20_000,
});

// (b) Properties of the handler itself, over generated events.
const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('orders handler, on generated SQS batches', () => {
  // The handler logs each record like a real function; keep hundreds of generated batches out of the output.
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('never throws, and reports each failure once and only for records of the batch', async () => {
    await fc.assert(
      fc.asyncProperty(sqsEvent({ maxRecords: 10 }), async (event) => {
        const { batchItemFailures } = await handler(event);
        const ids = batchItemFailures.map((f) => f.itemIdentifier);
        expect(new Set(ids).size).toBe(ids.length);
        expect(event.Records.map((r) => r.messageId)).toEqual(expect.arrayContaining(ids));
      }),
      { numRuns: 200 },
    );
  });

  it('returns batchItemFailures for every record whose body is not JSON', async () => {
    await fc.assert(
      fc.asyncProperty(sqsEvent({ bodyKinds: ['text', 'json'] }), async (event) => {
        const { batchItemFailures } = await handler(event);
        const failed = batchItemFailures.map((f) => f.itemIdentifier);
        const notJson = event.Records.filter((r) => !isJson(r.body)).map((r) => r.messageId);
        expect(failed).toEqual(expect.arrayContaining(notJson));
      }),
      { numRuns: 200 },
    );
  });

  it('acknowledges every well-formed JSON message (orders and other event types)', async () => {
    await fc.assert(
      fc.asyncProperty(sqsEvent({ bodyKinds: ['json'] }), async (event) => {
        expect(await handler(event)).toEqual({ batchItemFailures: [] });
      }),
      { numRuns: 200 },
    );
  });
});
