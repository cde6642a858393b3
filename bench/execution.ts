import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DEFAULT_INSTANCES, fuzz } from '../src/api/fuzz.js';
import { sqsEvent } from '../generators/index.js';
import { measureAsync, type BenchRow } from './measure.js';

const HANDLER = fileURLToPath(new URL('./fixtures/trivial-sqs.mjs', import.meta.url));
const EXITS = fileURLToPath(new URL('./fixtures/exits-sqs.mjs', import.meta.url));
const DIES = fileURLToPath(new URL('./fixtures/dies-sqs.mjs', import.meta.url));
const SLOW_IO = fileURLToPath(new URL('./fixtures/slow-io-sqs.mjs', import.meta.url));
const SLOW_IO_MS = 20;

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
  const processes = await fuzz({ handler: HANDLER, source: 'sqs', runs, seed: 1, runner: 'isolated', workers: 2, isolation: 'process' });
  const threads = await fuzz({ handler: HANDLER, source: 'sqs', runs, seed: 1, runner: 'isolated', workers: 2, isolation: 'thread' });
  return [
    bare,
    { name: `campaign in-process (${runs} runs, all oracles)`, perSecond: inProcess.stats.execsPerSecond, ratio: inProcess.stats.execsPerSecond / bare.perSecond },
    { name: `campaign isolated, 2 child processes (${runs} runs)`, perSecond: processes.stats.execsPerSecond, ratio: processes.stats.execsPerSecond / bare.perSecond },
    { name: `campaign isolated, 2 worker threads (${runs} runs)`, perSecond: threads.stats.execsPerSecond, ratio: threads.stats.execsPerSecond / bare.perSecond },
    { name: '  child processes ÷ worker threads', perSecond: Number.NaN, ratio: processes.stats.execsPerSecond / threads.stats.execsPerSecond },
  ];
}

/**
 * Slow and hostile handlers in the isolated pool (2 workers to start, growing up to the default cap), each as a
 * share of its limit measured or computed in the same run:
 * - trivial handler, the pool's ceiling (its own baseline);
 * - a handler that calls process.exit on every call, against that ceiling (each case costs a fresh module
 *   instance);
 * - a handler that awaits 20 ms, against instances ÷ latency; taken once the pool has grown (the second half of
 *   the run), since a campaign of a few seconds is mostly ramp-up.
 */
export async function benchHostile(seconds: number): Promise<BenchRow[]> {
  const durationMs = Math.max(4, 3 * seconds) * 1000;
  const trivial = await fuzz({ handler: HANDLER, source: 'sqs', durationMs, seed: 1, runner: 'isolated', workers: 2 });
  const ceiling: BenchRow = { name: 'trivial handler, isolated, 2 child processes (ceiling)', perSecond: trivial.stats.execsPerSecond, ratio: undefined };
  const exits = await fuzz({ handler: EXITS, source: 'sqs', durationMs, seed: 1, runner: 'isolated', workers: 2 });
  const threadExits = await fuzz({ handler: EXITS, source: 'sqs', durationMs, seed: 1, runner: 'isolated', workers: 2, isolation: 'thread' });
  // A runtime that really dies on every call (no guard can turn it into a crash outcome): each case costs a new
  // process, like a Lambda cold start. Child processes only: in a worker thread this kills eventfuzz.
  const dies = await fuzz({ handler: DIES, source: 'sqs', durationMs, seed: 1, runner: 'isolated', workers: 2, isolation: 'process' });
  const ioMs = 2 * durationMs;
  const io = await steadyRate(() => fuzz({ handler: SLOW_IO, source: 'sqs', durationMs: ioMs, seed: 1, runner: 'isolated', workers: 2, listener }), ioMs);
  const ioLimit = DEFAULT_INSTANCES / (SLOW_IO_MS / 1000);
  return [
    ceiling,
    { name: 'process.exit() on every call, 2 child processes', perSecond: exits.stats.execsPerSecond, ratio: exits.stats.execsPerSecond / ceiling.perSecond },
    { name: '  same, 2 worker threads', perSecond: threadExits.stats.execsPerSecond, ratio: threadExits.stats.execsPerSecond / ceiling.perSecond },
    { name: 'runtime killed (SIGKILL) on every call, 2 child processes', perSecond: dies.stats.execsPerSecond, ratio: dies.stats.execsPerSecond / ceiling.perSecond },
    { name: `${SLOW_IO_MS} ms I/O, grown (limit ${DEFAULT_INSTANCES} inst ÷ ${SLOW_IO_MS} ms = ${ioLimit})`, perSecond: io.perSecond, ratio: io.perSecond / ioLimit },
    { name: `  same, whole run incl. growth from 2`, perSecond: io.overall, ratio: io.overall / ioLimit },
  ];

  async function steadyRate(run: () => Promise<{ stats: { execsPerSecond: number } }>, totalMs: number): Promise<{ perSecond: number; overall: number }> {
    const result = await run();
    const from = samples.find((s) => s.elapsedMs >= totalMs / 2) ?? samples[0]!;
    const to = samples.at(-1)!;
    return { perSecond: (to.runs - from.runs) / ((to.elapsedMs - from.elapsedMs) / 1000), overall: result.stats.execsPerSecond };
  }
}
const samples: { runs: number; elapsedMs: number }[] = [];
const listener = { onProgress: (progress: { runs: number; elapsedMs: number }) => void samples.push({ runs: progress.runs, elapsedMs: progress.elapsedMs }) };

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
