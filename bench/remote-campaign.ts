/**
 * The whole `fuzz --url` path (bench/remote-http.ts runs it): a campaign of generated, payload-seeded REST events
 * through the guarded HTTP runner, judged by every oracle, beside bare undici sending the very requests that campaign
 * sent (recorded, mapped beforehand) at the same concurrency. Then what each stage costs per case, measured apart,
 * so the gap between the two rates can be read: what eventfuzz does per case that a bare loop does not.
 * (Not measured: the baseline of unmodified events and the corpus, fixed costs per run, not per case.)
 */
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { Agent } from 'undici';
import type { Observation } from '../src/core/index.js';
import type { ApigwServer } from '../test/support/apigw-server.js';
import type { Runner } from '../src/runners/types.js';
import type { OracleContext } from '../src/oracles/types.js';
import { comparePaths, median } from './compare.js';
import { runCampaign } from '../src/engine/campaign.js';
import { judge, selectOracles } from '../src/oracles/index.js';
import { loadPayloads } from '../src/payloads/index.js';
import { createHttpRunner } from '../src/runners/http.js';
import { requestFromEvent } from '../src/runners/apigw-request.js';
import { guardRemoteRunner } from '../src/runners/remote-guard.js';
import { CaseSchedule, caseSpaceForSource, getEventSource, payloadFreeCase, withOtherPayload } from '../generators/index.js';

const OPEN_CAPS = { maxInvocations: Number.MAX_SAFE_INTEGER, ratePerSecond: 1e9 } as const;
const oracles = selectOracles();
const space = caseSpaceForSource(getEventSource('apigw-rest'));
const payloads = loadPayloads();

/** µs per call of `fn` over `items`, cycling, for about `ms` (after one pass to warm up); median of 5 slices. */
function perCall<T>(items: readonly T[], fn: (item: T, i: number) => unknown, ms = 300): number {
  items.forEach(fn);
  const slices: number[] = [];
  for (let s = 0; s < 5; s++) {
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < ms / 5) fn(items[calls % items.length]!, calls++);
    slices.push(((performance.now() - start) * 1000) / calls);
  }
  return median(slices);
}

/** One campaign of `ms` at `concurrency`: its invocations/s, and every event it sent with the observation it got. */
async function campaign(url: string, concurrency: number, ms: number, seed: number) {
  const sent: { readonly event: unknown }[] = [];
  const judged: { readonly observation: Observation; readonly context: OracleContext }[] = [];
  const guarded = guardRemoteRunner(createHttpRunner({ url, source: 'apigw-rest', timeoutMs: 10_000, concurrency }), { ...OPEN_CAPS, concurrency });
  const recording: Runner = {
    kind: 'http',
    get parallelism() {
      return guarded.parallelism;
    },
    start: () => guarded.start(),
    close: () => guarded.close(),
    async invoke(invocation) {
      const observation = await guarded.invoke(invocation);
      sent.push({ event: invocation.event });
      return observation;
    },
  };
  const schedule = new CaseSchedule({ space, payloads });
  const result = await runCampaign({
    cases: schedule.arbitrary,
    feedback: schedule,
    runner: recording,
    judge: (observation, context) => {
      judged.push({ observation, context });
      return judge(observation, oracles, context);
    },
    withoutPayload: payloadFreeCase,
    withPayload: withOtherPayload,
    secrets: [],
    timeoutMs: 10_000,
    seed,
    runs: Number.POSITIVE_INFINITY,
    durationMs: ms,
  });
  await guarded.close();
  return { perSecond: result.stats.invocations / (result.stats.durationMs / 1000), findings: result.findings.length, sent, judged };
}

/** Runs the comparison and the stage costs; returns the lines to print. */
export async function benchCampaign({ server, seconds }: { readonly server: ApigwServer; readonly seconds: number }): Promise<string> {
  const base = new URL(server.url);
  const lines = ['\nThe whole fuzz --url path: a campaign (generation, guard, runner, all oracles, bookkeeping) vs bare undici sending the same requests'];
  lines.push(`${'concurrency'.padEnd(12)} ${'campaign/s'.padStart(11)} ${'bare/s'.padStart(9)}  time per invocation`);
  let recorded: Awaited<ReturnType<typeof campaign>> | undefined;
  for (const concurrency of [1, 8]) {
    const rates: number[] = [];
    const bares: number[] = [];
    for (let round = 0; round < 3; round++) {
      const run = await campaign(server.url, concurrency, seconds * 1000, 1000 + round);
      if (run.findings > 0) throw new Error(`the bench handler gave ${run.findings} findings: the campaign then shrinks, and the rates compare different work`);
      recorded = run;
      const requests = run.sent.map(({ event }) => requestFromEvent(event, 'apigw-rest', base));
      const agent = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
      let next = 0;
      const bare = await comparePaths(
        {
          bare: async () => {
            const request = requests[next++ % requests.length]!;
            const response = await agent.request({ origin: base.origin, path: request.path, method: request.method as 'GET', headers: request.headers as Record<string, string>, body: request.body ?? null });
            await response.body.arrayBuffer();
          },
        },
        { concurrency, rounds: 1, roundMs: seconds * 1000, warmupMs: 200 },
      );
      await agent.close();
      rates.push(run.perSecond);
      bares.push(bare['bare']!.perSecond);
    }
    const [campaignRate, bareRate] = [median(rates), median(bares)];
    lines.push(`${String(concurrency).padEnd(12)} ${Math.round(campaignRate).toLocaleString('en-US').padStart(11)} ${Math.round(bareRate).toLocaleString('en-US').padStart(9)}  ${(bareRate / campaignRate).toFixed(2)}x`);
  }

  // Stage costs per case, on the events and observations of the last campaign.
  const schedule = new CaseSchedule({ space, payloads });
  const random = new fc.Random(xoroshiro128plus(7));
  const generate = perCall([0], (_item, i) => {
    schedule.beforeCase(i);
    return schedule.arbitrary.generate(random, undefined);
  });
  const events = recorded!.sent.map(({ event }) => event);
  const mapping = perCall(events, (event) => requestFromEvent(event, 'apigw-rest', base));
  const judging = perCall(recorded!.judged, ({ observation, context }) => judge(observation, oracles, context));
  const stringify = perCall(events, (event) => JSON.stringify(event));
  lines.push('\nCPU per case of the stages a bare loop does not have (µs; the events and answers of the last campaign above)');
  lines.push(`  draw a case (fast-check, payload seeding, schedule)  ${generate.toFixed(1).padStart(6)}`);
  lines.push(`  all oracles on its observation                      ${judging.toFixed(1).padStart(6)}`);
  lines.push(`  event -> HTTP request mapping                       ${mapping.toFixed(1).padStart(6)}`);
  lines.push(`  (for scale: JSON.stringify of the event             ${stringify.toFixed(1).padStart(6)})`);
  return lines.join('\n');
}
