/**
 * `npx tsx bench/remote-http.ts`: requests/s through the HTTP runner against the local API Gateway stand-in, beside a
 * bare undici loop sending the same request through an equal Agent, in the same run, at concurrency 1, 8 and 32.
 * The ratio is runner / bare (1.00x = no overhead). Server and client share this process and the machine's cores, as
 * they do for both loops. `BENCH_SECONDS` sets the time per round (default 1; three alternating rounds per figure, medians shown). Not run by the tests.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import type { BenchRow } from './measure.js';
import { formatRows } from './measure.js';
import { createHttpRunner } from '../src/runners/http.js';
import { requestFromEvent } from '../src/runners/apigw-request.js';
import { startApigwServer } from '../test/support/apigw-server.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 1);
const event = JSON.parse(readFileSync(new URL('../test/fixtures/events/apigw-rest/proxy.json', import.meta.url), 'utf8')) as unknown;
const server = await startApigwServer({ handler: fileURLToPath(new URL('../test/fixtures/remote/http/shaped.ts', import.meta.url)), mode: 'rest', timeoutMs: 10_000 });
const base = new URL(server.url);

/** CPU microseconds this process spent per completed step (server and client both), in the last `rate` call. */
const cpuPerStep: number[] = [];

/**
 * Runs `concurrency` loops of `step` for `seconds` (after a warm-up) and returns completed steps per second; also
 * records this process's CPU time per step, which other processes on a shared machine disturb far less than the rate.
 */
async function rate(concurrency: number, step: (i: number) => Promise<void>): Promise<number> {
  const loop = async (until: number): Promise<number> => {
    let done = 0;
    while (performance.now() < until) {
      await step(done);
      done++;
    }
    return done;
  };
  await Promise.all(Array.from({ length: concurrency }, () => loop(performance.now() + 300)));
  const start = performance.now();
  const cpu = process.cpuUsage();
  const counts = await Promise.all(Array.from({ length: concurrency }, () => loop(start + seconds * 1000)));
  const total = counts.reduce((a, b) => a + b, 0);
  const used = process.cpuUsage(cpu);
  cpuPerStep.push((used.user + used.system) / total);
  return total / ((performance.now() - start) / 1000);
}

const ROUNDS = 3;
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: BenchRow[] = [];
const cpuLines: string[] = [];
for (const concurrency of [1, 8, 32]) {
  const request = requestFromEvent(event, 'apigw-rest', base);
  const agent = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  const runner = createHttpRunner({ url: base, source: 'apigw-rest', timeoutMs: 10_000, concurrency });
  const bare: number[] = [];
  const through: number[] = [];
  const bareCpu: number[] = [];
  const throughCpu: number[] = [];
  // Alternating rounds, medians kept: the machine is shared and noisy, and a slow moment must hit both loops alike.
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await rate(concurrency, async () => {
      const response = await agent.request({ origin: base.origin, path: request.path, method: request.method as 'GET', headers: request.headers as Record<string, string>, body: request.body ?? null });
      await response.body.arrayBuffer();
    }));
    bareCpu.push(...cpuPerStep.splice(0));
    through.push(await rate(concurrency, async (i) => {
      const observation = await runner.invoke({ caseId: `c${i}`, event });
      if (observation.outcome.kind !== 'returned') throw new Error(`unexpected outcome ${observation.outcome.kind}`);
    }));
    throughCpu.push(...cpuPerStep.splice(0));
  }
  await agent.close();
  await runner.close();
  const baseline: BenchRow = { name: `bare undici, concurrency ${concurrency}`, perSecond: median(bare), ratio: undefined };
  rows.push(baseline, { name: `http runner, concurrency ${concurrency}`, perSecond: median(through), ratio: median(through) / median(bare) });
  cpuLines.push(`concurrency ${String(concurrency).padEnd(3)} bare ${median(bareCpu).toFixed(0).padStart(4)} µs  runner ${median(throughCpu).toFixed(0).padStart(4)} µs  (${(median(throughCpu) / median(bareCpu)).toFixed(2)}x)`);
}
await server.close();
console.log(`eventfuzz remote-http bench: node ${process.version}, ${seconds}s per round, medians of ${ROUNDS} alternating rounds, ${server.requests()} requests served`);
console.log(formatRows('HTTP runner vs bare undici against the local API Gateway stand-in (requests/s)', rows));
console.log('\nCPU time of this process per request (server and client together; lower is better)');
for (const line of cpuLines) console.log(line);
