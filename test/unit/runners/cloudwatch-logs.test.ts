import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FilterLogEvents, FilterLogEventsRequest, FullLog } from '../../../src/runners/cloudwatch-logs.js';
import { createCloudWatchLogReader, filterPatternFor, MAX_FILTER_PATTERN_LENGTH } from '../../../src/runners/cloudwatch-logs.js';
import { isLogsThrottling } from '../../../src/runners/cloudwatch-logs-client.js';
import { parseFilterPattern } from '../../support/cloudwatch-logs-api.js';

/*
 * The batching reader against an in-memory FilterLogEvents (the test server's own pattern parser, paging by an
 * index token). No assertion is about time: deadlines are short so the tests end, and every wait is for an event
 * the test makes happen.
 */
interface Event {
  readonly eventId: string;
  readonly timestamp: number;
  readonly logStreamName: string;
  readonly message: string;
}

function fakeLogs(pageSize = 1000) {
  const events: Event[] = [];
  const requests: FilterLogEventsRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let failures: unknown[] = [];
  const onCall: (() => void)[] = [];
  const filter: FilterLogEvents = async (request) => {
    requests.push(request);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      for (const notify of onCall.splice(0)) notify();
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      const matches = parseFilterPattern(request.filterPattern)!;
      const from = request.nextToken === undefined ? 0 : Number(request.nextToken);
      const hits = events.filter((e) => e.timestamp >= request.startTime && (request.logStreamNames === undefined || request.logStreamNames.includes(e.logStreamName)) && matches(e.message));
      const page = hits.slice(from, from + pageSize);
      return { events: page, ...(from + pageSize < hits.length ? { nextToken: String(from + pageSize) } : {}) };
    } finally {
      inFlight--;
    }
  };
  let seq = 0;
  const put = (message: string, stream = 'stream-a', timestamp = 1_000_000): void => {
    events.push({ eventId: String(seq++), timestamp, logStreamName: stream, message: `${message}\n` });
  };
  /** A whole invocation's log: START, `lines` (each a console record carrying the id), END, REPORT. */
  const invocation = (id: string, lines: readonly string[], { end = true, stream = 'stream-a' } = {}): void => {
    put(`START RequestId: ${id} Version: $LATEST`, stream);
    for (const line of lines) put(`2026-01-01T00:00:00.000Z\t${id}\tINFO\t${line}`, stream);
    if (end) {
      put(`END RequestId: ${id}`, stream);
      put(`REPORT RequestId: ${id}\tDuration: 1.00 ms`, stream);
    }
  };
  return {
    filter,
    events,
    requests,
    put,
    invocation,
    get maxInFlight() {
      return maxInFlight;
    },
    failNext: (...errors: unknown[]) => (failures = errors),
    /** Resolves on the next FilterLogEvents call. */
    nextCall: () => new Promise<void>((resolve) => onCall.push(resolve)),
  };
}

const reader = (filter: FilterLogEvents, waitMs = 5_000, extra: { maxBytesPerInvocation?: number } = {}) =>
  createCloudWatchLogReader({ logGroupName: '/aws/lambda/orders', filter, waitMs, minIntervalMs: 1, maxIntervalMs: 4, isThrottling: isLogsThrottling, ...extra });
const at = 1_000_000;

describe('filterPatternFor', () => {
  it('ORs quoted request ids, and a single id is a plain quoted term', () => {
    expect(filterPatternFor(['a-1'])).toEqual({ pattern: '"a-1"', taken: 1 });
    expect(filterPatternFor(['a-1', 'b-2', 'c-3'])).toEqual({ pattern: '?"a-1" ?"b-2" ?"c-3"', taken: 3 });
  });

  it('takes ids while the pattern fits 1024 characters: 25 UUIDs, the rest for the next call', () => {
    const ids = Array.from({ length: 60 }, () => randomUUID());
    const { pattern, taken } = filterPatternFor(ids);
    expect(taken).toBe(25);
    expect(pattern.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
    expect(filterPatternFor(ids, pattern.length - 1).taken).toBe(24);
    expect(filterPatternFor(ids.slice(taken)).taken).toBe(25);
  });

  it('matches an event with any of its ids and no other, under CloudWatch pattern rules', () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const matches = parseFilterPattern(filterPatternFor([a, b]).pattern)!;
    expect(matches(`2026-01-01T00:00:00.000Z\t${a}\tINFO\thello`)).toBe(true);
    expect(matches(`END RequestId: ${b}`)).toBe(true);
    expect(matches(`END RequestId: ${c}`)).toBe(false);
  });
});

describe('createCloudWatchLogReader', () => {
  it('resolves an invocation with its whole log once the END line is there, multi-line records as lines', async () => {
    const logs = fakeLogs();
    const id = randomUUID();
    const other = randomUUID();
    logs.invocation(id, ['first', 'second\n  continued']);
    logs.invocation(other, ['not mine']);
    const log = await reader(logs.filter).read({ requestId: id, invokedAtMs: at });
    expect(log.complete).toBe(true);
    expect(log.cut).toBe(false);
    expect(log.lines).toEqual([
      `START RequestId: ${id} Version: $LATEST`,
      `2026-01-01T00:00:00.000Z\t${id}\tINFO\tfirst`,
      `2026-01-01T00:00:00.000Z\t${id}\tINFO\tsecond`,
      '  continued',
      `END RequestId: ${id}`,
      `REPORT RequestId: ${id}\tDuration: 1.00 ms`,
    ]);
  });

  it('batches: 60 invocations waiting together take a few FilterLogEvents calls, one at a time, each resolved with its own log', async () => {
    const logs = fakeLogs();
    const ids = Array.from({ length: 60 }, () => randomUUID());
    for (const id of ids) logs.invocation(id, [`line of ${id}`]);
    const r = reader(logs.filter);
    const results = await Promise.all(ids.map((id) => r.read({ requestId: id, invokedAtMs: at })));
    expect(results.every((log) => log.complete)).toBe(true);
    results.forEach((log, i) => expect(log.lines).toContain(`2026-01-01T00:00:00.000Z\t${ids[i]}\tINFO\tline of ${ids[i]}`));
    results.forEach((log, i) => expect(log.lines.every((line) => line.includes(ids[i]!))).toBe(true));
    // 25 ids per pattern: three polls; a per-invocation loop would have made 60.
    expect(logs.requests.length).toBe(3);
    expect(logs.maxInFlight).toBe(1);
    expect(r.pending).toBe(0);
  });

  it('keeps polling while the END line is missing, and resolves once it arrives', async () => {
    const logs = fakeLogs();
    const id = randomUUID();
    logs.invocation(id, ['early'], { end: false });
    let settled: FullLog | undefined;
    const read = reader(logs.filter).read({ requestId: id, invokedAtMs: at }).then((log) => (settled = log));
    await logs.nextCall();
    await logs.nextCall();
    expect(settled).toBeUndefined();
    logs.put(`END RequestId: ${id}`);
    const log = await read;
    expect(log.complete).toBe(true);
    expect(log.lines.at(-1)).toBe(`END RequestId: ${id}`);
  });

  it('at the deadline, resolves with what arrived, not complete, saying why', async () => {
    const logs = fakeLogs();
    const id = randomUUID();
    logs.invocation(id, ['partial'], { end: false });
    const log = await reader(logs.filter, 30).read({ requestId: id, invokedAtMs: at });
    expect(log.complete).toBe(false);
    expect(log.lines).toEqual([`START RequestId: ${id} Version: $LATEST`, `2026-01-01T00:00:00.000Z\t${id}\tINFO\tpartial`]);
    expect(log.reason).toBe('its log did not arrive within 30 ms');
  });

  it('follows nextToken through every page before resolving', async () => {
    const logs = fakeLogs(2);
    const id = randomUUID();
    logs.invocation(id, ['a', 'b', 'c', 'd', 'e']);
    const log = await reader(logs.filter).read({ requestId: id, invokedAtMs: at });
    expect(log.lines).toHaveLength(8);
    expect(logs.requests.map((r) => r.nextToken)).toEqual([undefined, '2', '4', '6']);
  });

  it('searches from 30 s before the earliest invocation, in the named streams when every tail named one', async () => {
    const logs = fakeLogs();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    logs.invocation(a, [], { stream: 's1' });
    logs.invocation(b, [], { stream: 's2' });
    logs.invocation(c, []);
    const r = reader(logs.filter);
    await Promise.all([r.read({ requestId: a, logStreamName: 's1', invokedAtMs: at + 500 }), r.read({ requestId: b, logStreamName: 's2', invokedAtMs: at + 200 })]);
    expect(logs.requests[0]).toMatchObject({ logGroupName: '/aws/lambda/orders', startTime: at + 200 - 30_000, logStreamNames: ['s1', 's2'] });
    await r.read({ requestId: c, invokedAtMs: at });
    expect(logs.requests.at(-1)?.logStreamNames).toBeUndefined();
  });

  it('backs off on throttling and never rejects: the read still resolves once calls succeed', async () => {
    const logs = fakeLogs();
    const id = randomUUID();
    logs.invocation(id, ['x']);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    logs.failNext(throttled, throttled, new Error('socket hang up'));
    const log = await reader(logs.filter).read({ requestId: id, invokedAtMs: at });
    expect(log.complete).toBe(true);
    expect(logs.requests.length).toBe(4);
  });

  it('names the last failure when a deadline passes while calls fail', async () => {
    const logs = fakeLogs();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    logs.failNext(...Array.from({ length: 1000 }, () => throttled));
    const log = await reader(logs.filter, 30).read({ requestId: randomUUID(), invokedAtMs: at });
    expect(log.reason).toBe('its log did not arrive within 30 ms (FilterLogEvents was throttled)');
  });

  it('stops polling when nothing is pending, and starts again for a new read', async () => {
    const logs = fakeLogs();
    const [a, b] = [randomUUID(), randomUUID()];
    logs.invocation(a, []);
    logs.invocation(b, []);
    const r = reader(logs.filter);
    await r.read({ requestId: a, invokedAtMs: at });
    const calls = logs.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(logs.requests.length).toBe(calls);
    await r.read({ requestId: b, invokedAtMs: at });
    expect(logs.requests.length).toBe(calls + 1);
  });

  it('close() resolves pending reads at once and makes no further call', async () => {
    const logs = fakeLogs();
    const id = randomUUID();
    const r = reader(logs.filter, 60_000);
    const read = r.read({ requestId: id, invokedAtMs: at });
    await logs.nextCall();
    r.close();
    const log = await read;
    expect(log).toMatchObject({ complete: false, reason: 'the run ended before its log arrived' });
    const calls = logs.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(logs.requests.length).toBe(calls);
    expect(await r.read({ requestId: randomUUID(), invokedAtMs: at })).toMatchObject({ complete: false, reason: 'the log reader was closed' });
  });

  it('keeps at most maxBytesPerInvocation of a log and says it was cut', async () => {
    const logs = fakeLogs();
    const id = randomUUID();
    logs.invocation(id, Array.from({ length: 50 }, (_, i) => `filler ${i} ${'y'.repeat(100)}`));
    const log = await reader(logs.filter, 5_000, { maxBytesPerInvocation: 1_000 }).read({ requestId: id, invokedAtMs: at });
    expect(log.complete).toBe(true);
    expect(log.cut).toBe(true);
    expect(log.lines.join('\n').length).toBeLessThanOrEqual(1_000);
    expect(log.lines[0]).toBe(`START RequestId: ${id} Version: $LATEST`);
  });

  it('refuses an id a quoted term cannot hold, without a call', async () => {
    const logs = fakeLogs();
    const log = await reader(logs.filter).read({ requestId: 'a" ?"b', invokedAtMs: at });
    expect(log.complete).toBe(false);
    expect(logs.requests.length).toBe(0);
  });
});
