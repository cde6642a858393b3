import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/core/index.js';
import type { FilterLogEventsRequest } from '../../../src/runners/cloudwatch-logs.js';
import type { LogsAccess } from '../../../src/runners/cloudwatch-logs-client.js';
import type { Runner } from '../../../src/runners/types.js';
import { createCloudWatchFullLogs } from '../../../src/runners/full-log-runner.js';
import { guardRemoteRunner } from '../../../src/runners/remote-guard.js';
import { observation } from '../../helpers/observation.js';

/*
 * The wrapper alone, over a fake guarded runner and a fake FilterLogEvents: the wait for a log happens outside the
 * guard (the function gets the next case meanwhile), and only answered invocations are looked up.
 */
function setup({ released = false, recordRequest = true, ratePerSecond = 10 } = {}) {
  let onSecond: () => void = () => undefined;
  const state = { released, delivered: 0, filterCalls: 0, notices: [] as string[], secondDelivered: new Promise<void>((resolve) => (onSecond = resolve)) };
  const access: LogsAccess = {
    probe: async () => undefined,
    close: () => undefined,
    filter: async (request: FilterLogEventsRequest) => {
      state.filterCalls++;
      await new Promise((resolve) => setImmediate(resolve));
      if (!state.released) return { events: [] };
      const ids = [...request.filterPattern.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
      return { events: ids.flatMap((id, i) => [`START RequestId: ${id}`, `x\t${id}\tINFO\tfull line of ${id}`, `END RequestId: ${id}`, `REPORT RequestId: ${id}\tDuration: 1 ms`].map((message, j) => ({ eventId: `${id}-${j}`, timestamp: i, message }))) };
    },
  };
  const fullLogs = createCloudWatchFullLogs({ logGroupName: '/aws/lambda/f', waitMs: 10_000, ratePerSecond, notice: (line) => state.notices.push(line), minIntervalMs: 1, access });
  const lambda: Runner = {
    kind: 'lambda',
    parallelism: 1,
    start: async () => undefined,
    close: async () => undefined,
    invoke: async ({ caseId }) => {
      if (++state.delivered === 2) onSecond();
      const answered: Observation = observation({ caseId, logs: [`REPORT RequestId: req-${caseId}\tDuration: 1 ms`] });
      if (recordRequest) fullLogs.onInvoked(answered, { requestId: `req-${caseId}`, logStreamName: undefined, invokedAtMs: Date.now() });
      return answered;
    },
  };
  // The real guard, one in flight: a log wait inside it would hold the only slot.
  return { state, runner: fullLogs.wrap(guardRemoteRunner(lambda, { maxInvocations: 100, ratePerSecond: 1000, concurrency: 1 })) };
}

describe('createCloudWatchFullLogs', () => {
  it('adds the invocations that may wait for logs at the run rate to the parallelism (rate × wait, at most 64)', () => {
    expect(setup({ ratePerSecond: 2 }).runner.parallelism).toBe(1 + 20);
    expect(setup({ ratePerSecond: 0.25 }).runner.parallelism).toBe(1 + 3);
    expect(setup({ ratePerSecond: 10 }).runner.parallelism).toBe(1 + 64);
  });

  it('waits for a log outside the guard: the next case is delivered while the first waits', async () => {
    const { state, runner } = setup();
    await runner.start();
    const first = runner.invoke({ caseId: 'a', event: {} });
    const second = runner.invoke({ caseId: 'b', event: {} });
    // Logs are held back until the second case reached the function: were the wait in the guard's slot, this never resolves.
    await state.secondDelivered;
    state.released = true;
    const [a, b] = await Promise.all([first, second]);
    expect(a.logs).toContain('x\treq-a\tINFO\tfull line of req-a');
    expect(b.logs).toContain('x\treq-b\tINFO\tfull line of req-b');
    expect(state.notices.filter((line) => /warning/.test(line))).toEqual([]);
    await runner.close();
  });

  it('an observation Lambda did not answer (no request id) is returned as it is, with no FilterLogEvents call', async () => {
    const { state, runner } = setup({ released: true, recordRequest: false });
    await runner.start();
    const result = await runner.invoke({ caseId: 'c', event: {} });
    expect(result.logs).toEqual(['REPORT RequestId: req-c\tDuration: 1 ms']);
    expect(state.filterCalls).toBe(0);
    await runner.close();
  });
});
