import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { fuzz } from '../src/api/fuzz.js';
import { sqsEvent } from '../generators/index.js';
import { measureAsync, type BenchRow } from './measure.js';

const HANDLER = fileURLToPath(new URL('./fixtures/trivial-sqs.mjs', import.meta.url));

/**
 * Campaign throughput with every oracle on (generation, injection, invocation, judging), in-process and in the
 * isolated pool, each beside a bare loop calling the same handler with one prebuilt event in the same run.
 */
export async function benchExecution(seconds: number): Promise<BenchRow[]> {
  const { handler } = (await import(HANDLER)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
  const event = fc.sample(sqsEvent(), { seed: 1, numRuns: 1 })[0];
  const bare = await measureAsync('bare loop: await handler(event)', async () => {
    await handler(event, {});
  }, seconds);
  const runs = 20_000;
  const inProcess = await fuzz({ handler: HANDLER, source: 'sqs', runs, seed: 1, runner: 'in-process' });
  const isolated = await fuzz({ handler: HANDLER, source: 'sqs', runs, seed: 1, runner: 'isolated', workers: 2 });
  return [
    bare,
    { name: `campaign in-process (${runs} runs, all oracles)`, perSecond: inProcess.stats.execsPerSecond, ratio: inProcess.stats.execsPerSecond / bare.perSecond },
    { name: `campaign isolated, 2 workers (${runs} runs)`, perSecond: isolated.stats.execsPerSecond, ratio: isolated.stats.execsPerSecond / bare.perSecond },
  ];
}

/** Resident memory after 10k and after 100k in-process runs of one campaign: it must stay flat. */
export async function benchMemory(): Promise<string> {
  const samples: { runs: number; rssMb: number }[] = [];
  let next = 10_000;
  await fuzz({
    handler: HANDLER,
    source: 'sqs',
    runs: 100_000,
    seed: 2,
    runner: 'in-process',
    listener: {
      onProgress(progress) {
        if (progress.runs >= next) {
          samples.push({ runs: progress.runs, rssMb: process.memoryUsage().rss / 2 ** 20 });
          next = 100_000;
        }
      },
    },
  });
  samples.push({ runs: 100_000, rssMb: process.memoryUsage().rss / 2 ** 20 });
  const [first, last] = [samples[0]!, samples.at(-1)!];
  return `\nMemory (in-process campaign)\nRSS after ${first.runs.toLocaleString('en-US')} runs: ${first.rssMb.toFixed(0)} MB; after ${last.runs.toLocaleString('en-US')} runs: ${last.rssMb.toFixed(0)} MB; growth ${(last.rssMb - first.rssMb).toFixed(0)} MB`;
}
