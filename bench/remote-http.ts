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

/** Runs `concurrency` loops of `step` for `seconds` (after a warm-up) and returns completed steps per second. */
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
  const counts = await Promise.all(Array.from({ length: concurrency }, () => loop(start + seconds * 1000)));
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - start) / 1000);
}

const ROUNDS = 3;
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: BenchRow[] = [];
for (const concurrency of [1, 8, 32]) {
  const request = requestFromEvent(event, 'apigw-rest', base);
  const agent = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  const runner = createHttpRunner({ url: base, source: 'apigw-rest', timeoutMs: 10_000, concurrency });
  const bare: number[] = [];
  const through: number[] = [];
  // Alternating rounds, medians kept: the machine is shared and noisy, and a slow moment must hit both loops alike.
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await rate(concurrency, async () => {
      const response = await agent.request({ origin: base.origin, path: request.path, method: request.method as 'GET', headers: request.headers as Record<string, string>, body: request.body ?? null });
      await response.body.arrayBuffer();
    }));
    through.push(await rate(concurrency, async (i) => {
      const observation = await runner.invoke({ caseId: `c${i}`, event });
      if (observation.outcome.kind !== 'returned') throw new Error(`unexpected outcome ${observation.outcome.kind}`);
    }));
  }
  await agent.close();
  await runner.close();
  const baseline: BenchRow = { name: `bare undici, concurrency ${concurrency}`, perSecond: median(bare), ratio: undefined };
  rows.push(baseline, { name: `http runner, concurrency ${concurrency}`, perSecond: median(through), ratio: median(through) / median(bare) });
}
await server.close();
console.log(`eventfuzz remote-http bench: node ${process.version}, ${seconds}s per round, medians of ${ROUNDS} alternating rounds, ${server.requests()} requests served`);
console.log(formatRows('HTTP runner vs bare undici against the local API Gateway stand-in (requests/s)', rows));
