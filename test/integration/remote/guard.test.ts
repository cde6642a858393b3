import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/core/index.js';
import { runCampaign } from '../../../src/engine/campaign.js';
import { builtinOracles, judge } from '../../../src/oracles/index.js';
import { DEFAULT_REMOTE_CAPS, guardRemoteRunner, THROTTLING_ERROR } from '../../../src/runners/remote-guard.js';
import type { RemoteCaps } from '../../../src/runners/remote-guard.js';
import type { Runner } from '../../../src/runners/types.js';
import { fuzzCase } from '../../helpers/observation.js';

/** A real HTTP target on 127.0.0.1 that counts, server side, what reached it and how much at once. */
async function startTarget(throttle: (n: number) => boolean) {
  const seen = { requests: 0, inFlight: 0, mostInFlight: 0, throttled: 0 };
  const server = createServer((req, res) => {
    const n = ++seen.requests;
    seen.mostInFlight = Math.max(seen.mostInFlight, ++seen.inFlight);
    req.resume();
    // Answer a moment later, so concurrent requests really overlap at the server.
    setTimeout(() => {
      seen.inFlight--;
      if (throttle(n)) {
        seen.throttled++;
        res.writeHead(429, { 'content-type': 'application/json' }).end('{"message":"Too Many Requests"}');
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }, 2);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The smallest remote runner honouring the contract: 429 is a ThrottlingError transport error, no retries of its own. */
function fetchRunner(url: string, parallelism: number): Runner {
  return {
    kind: 'http',
    parallelism,
    start: async () => undefined,
    close: async () => undefined,
    async invoke({ caseId, event }): Promise<Observation> {
      const started = performance.now();
      const response = await fetch(url, { method: 'POST', body: JSON.stringify(event) });
      const body = await response.text();
      const base = { caseId, durationMs: performance.now() - started, logs: [], effects: undefined, instance: 'remote' };
      if (response.status === 429) return { ...base, outcome: { kind: 'transport-error', error: { name: THROTTLING_ERROR, message: `HTTP 429: ${body}`, stack: undefined, code: undefined, isError: true } } };
      return { ...base, outcome: { kind: 'returned', value: { statusCode: response.status, body } } };
    },
  };
}

/** Guard time is virtual (sleeping advances it at once), so the default 10/s needs no minute of real waiting. */
function virtualTime() {
  const clock = { t: 0 };
  return { clock, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms), random: () => 0.5 };
}

async function campaignAgainst(url: string, caps: RemoteCaps, runs: number) {
  const time = virtualTime();
  const controller = new AbortController();
  const guarded = guardRemoteRunner(fetchRunner(url, 32), caps, { ...time, onExhausted: () => controller.abort() });
  const result = await runCampaign({
    cases: fc.constant(fuzzCase()),
    runner: guarded,
    judge: (observation, context) => judge(observation, builtinOracles, context),
    secrets: [],
    timeoutMs: 3000,
    seed: 7,
    runs,
    signal: controller.signal,
  });
  return { result, guarded, elapsedMs: time.clock.t };
}

describe('remote guard against a real local HTTP target', () => {
  it('the default caps hold, counted by the server: 500 deliveries at most, 4 at once, then the run stops cleanly', async () => {
    const { seen, url } = await startTarget(() => false);
    const { result, guarded, elapsedMs } = await campaignAgainst(url, DEFAULT_REMOTE_CAPS, 2_000);
    expect(seen.requests).toBe(500);
    expect(seen.mostInFlight).toBeLessThanOrEqual(4);
    expect(guarded.exhausted).toBe(true);
    expect(result.interrupted).toBe(true);
    expect(result.findings).toEqual([]);
    // 10 per second in the guard's time: 500 deliveries span at least 49.9 s
    expect(elapsedMs).toBeGreaterThanOrEqual(49_900);
  });

  it('a throttling target slows the run down and yields no finding', async () => {
    const caps = { maxInvocations: 1_000, ratePerSecond: 10, concurrency: 4 };
    const calm = await startTarget(() => false);
    const baseline = await campaignAgainst(calm.url, caps, 60);
    // Throttles the first burst, then every third request, then lets everything through.
    const busy = await startTarget((n) => n <= 8 || (n < 60 && n % 3 === 0));
    const throttled = await campaignAgainst(busy.url, caps, 60);
    expect(busy.seen.throttled).toBeGreaterThan(0);
    expect(throttled.guarded.throttled).toBe(busy.seen.throttled);
    expect(throttled.result.findings).toEqual([]);
    expect(throttled.elapsedMs).toBeGreaterThan(baseline.elapsedMs * 1.5);
    expect(busy.seen.requests).toBeLessThanOrEqual(caps.maxInvocations);
  });
});
