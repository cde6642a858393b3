// Shows: the `eventfuzz/vitest` matcher in a user's test file. Importing `eventfuzz/vitest` registers
//        `toWithstandFuzzing`; it replays the corpus (if any), then runs 300 deterministic runs (seed 1).
//        The safe twin passes; point it at the vulnerable handler and the test fails with a story per finding
//        (oracle, field, payload, evidence, replay command, minimal event). The handlers are example 01's SQS
//        consumer (exec with the order id) and its execFile twin.
// Try:   npx vitest run --config test/vitest.config.ts examples/13-vitest                   (safe.ts: passes)
//        EXAMPLE_HANDLER=handler.ts npx vitest run --config examples/13-vitest/vitest.config.ts   (fails)
//        EVENTFUZZ_EXPLORE=2000 npx vitest run ...   explores longer with a random seed, printed to repeat it
import { expect, it } from 'vitest';
import 'eventfuzz/vitest';

const file = process.env['EXAMPLE_HANDLER'] ?? 'safe.ts';

it(`the SQS consumer in ${file} withstands command injection`, async () => {
  // The corpus defaults to .eventfuzz/corpus, as for the CLI; EXAMPLE_CORPUS lets our own test keep it apart.
  const corpusDir = process.env['EXAMPLE_CORPUS'];
  await expect(new URL(`../01-sqs-command-injection/${file}`, import.meta.url)).toWithstandFuzzing({ source: 'sqs', categories: ['command-injection'], ...(corpusDir === undefined ? {} : { corpusDir }) });
}, 60_000);
