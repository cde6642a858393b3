/**
 * `npx tsx bench/remote-http.ts`: requests/s through eventfuzz's HTTP path against the local API Gateway stand-in
 * (test/support/apigw-server.ts, the same handler for every path), beside a bare undici loop sending the same request
 * through an equal Agent (same connections, keep-alive), in the same run, at concurrency 1, 8 and 32:
 * - bare undici: `agent.request()` and the body read to the end, the request mapped once beforehand;
 * - http runner: `runner.invoke(event)`, which maps the event to its request, sends it and maps the answer back;
 * - guarded runner: the same behind the remote guard (caps set so they never bind): the path `fuzz --url` takes.
 * Then the whole campaign (bench/remote-campaign.ts): generation, oracles and bookkeeping per case, beside bare
 * undici sending the very requests that campaign sent.
 * Server and client share this process and the machine's cores, alike for every path. `BENCH_SECONDS` sets the time
 * per round (default 1); rounds rotate their order, medians shown. Not run by the tests.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import type { PathFigures } from './compare.js';
import { comparePaths, formatComparison } from './compare.js';
import { benchCampaign } from './remote-campaign.js';
import { createHttpRunner } from '../src/runners/http.js';
import { requestFromEvent } from '../src/runners/apigw-request.js';
import { guardRemoteRunner } from '../src/runners/remote-guard.js';
import { startApigwServer } from '../test/support/apigw-server.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 1);
const ROUNDS = 5;
const event = JSON.parse(readFileSync(new URL('../test/fixtures/events/apigw-rest/proxy.json', import.meta.url), 'utf8')) as unknown;
const handler = fileURLToPath(new URL('../test/fixtures/remote/http/shaped.ts', import.meta.url));
// Events are not kept: a heap growing with the run would slow whichever path runs later.
const server = await startApigwServer({ handler, mode: 'rest', timeoutMs: 10_000, recordEvents: false });
const base = new URL(server.url);
/** Caps that never bind: the guard's own cost is what is measured. */
const OPEN_CAPS = { maxInvocations: Number.MAX_SAFE_INTEGER, ratePerSecond: 1e9 } as const;

const results = new Map<number, Record<string, PathFigures>>();
for (const concurrency of [1, 8, 32]) {
  const request = requestFromEvent(event, 'apigw-rest', base);
  const agent = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  const runner = createHttpRunner({ url: base, source: 'apigw-rest', timeoutMs: 10_000, concurrency });
  const guarded = guardRemoteRunner(createHttpRunner({ url: base, source: 'apigw-rest', timeoutMs: 10_000, concurrency }), { ...OPEN_CAPS, concurrency });
  const expectReturned = (kind: string): void => {
    if (kind !== 'returned') throw new Error(`unexpected outcome ${kind}`);
  };
  results.set(
    concurrency,
    await comparePaths(
      {
        'bare undici request()': async () => {
          const response = await agent.request({ origin: base.origin, path: request.path, method: request.method as 'GET', headers: request.headers as Record<string, string>, body: request.body ?? null });
          await response.body.arrayBuffer();
        },
        'http runner': async (i) => expectReturned((await runner.invoke({ caseId: `c${i}`, event })).outcome.kind),
        'guarded http runner': async (i) => expectReturned((await guarded.invoke({ caseId: `g${i}`, event })).outcome.kind),
      },
      { concurrency, rounds: ROUNDS, roundMs: seconds * 1000, warmupMs: 300 },
    ),
  );
  await agent.close();
  await runner.close();
  await guarded.close();
}
console.log(`eventfuzz remote-http bench: node ${process.version}, ${seconds}s per round, medians of ${ROUNDS} rotating rounds`);
console.log(formatComparison('HTTP path vs bare undici against the local API Gateway stand-in (server in this process; CPU µs are server and client together)', results));

console.log(await benchCampaign({ server, seconds }));
await server.close();
