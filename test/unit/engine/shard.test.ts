import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseSchedule, caseSpaceForSource, getEventSource } from '../../../generators/index.js';
import type { FuzzCase, Observation } from '../../../src/core/index.js';
import { runCampaign } from '../../../src/engine/campaign.js';
import { ownsCase, parseShard } from '../../../src/engine/shard.js';
import type { Shard } from '../../../src/engine/shard.js';
import type { CaseFeedback } from '../../../src/engine/types.js';
import { loadPayloads } from '../../../src/payloads/index.js';
import type { Runner } from '../../../src/runners/types.js';
import { fuzzCase, observation } from '../../helpers/observation.js';

interface Ran {
  readonly index: number;
  readonly draw: number;
}

/**
 * A campaign over cases that say which generation index they were drawn at (a non-adaptive feedback tells the
 * arbitrary) and what the random stream gave there; the runner records each case it is handed, answering after
 * a varying delay with `parallelism` in flight, so completions come back out of order.
 */
async function ranCases(shard: Shard | undefined, runs: number, parallelism = 3): Promise<Ran[]> {
  let current = -1;
  const feedback: CaseFeedback = { lag: Number.POSITIVE_INFINITY, adaptive: false, beforeCase: (index) => void (current = index), observed: () => undefined, coverage: () => ({ pairs: 0, covered: 0 }) };
  const cases = fc.integer().map((draw) => fuzzCase({ event: { index: current, draw } }));
  const ran: Ran[] = [];
  const runner: Runner = {
    kind: 'in-process',
    parallelism,
    start: async () => undefined,
    close: async () => undefined,
    invoke: async ({ event }) => {
      ran.push(event as Ran);
      await new Promise((resolve) => setTimeout(resolve, (event as Ran).index % 3));
      return observation();
    },
  };
  const result = await runCampaign({ cases, feedback, runner, judge: () => [], secrets: [], timeoutMs: 50, seed: 7, runs, ...(shard === undefined ? {} : { shard }) });
  expect(result.stats.runs).toBe(ran.length);
  return ran;
}

const byIndex = (a: Ran, b: Ran): number => a.index - b.index;

describe('--shard i/N: the shards of a seed split its cases', () => {
  it.each([2, 3])('N = %i: the shards run disjoint sets of cases whose union is the unsharded run, case for case', async (count) => {
    const runs = 40;
    const unsharded = await ranCases(undefined, runs);
    const shards = await Promise.all(Array.from({ length: count }, (_, i) => ranCases({ index: i + 1, count }, runs)));

    const indices = shards.flatMap((ran) => ran.map((r) => r.index));
    expect(new Set(indices).size, 'no case runs on two shards').toBe(indices.length);
    expect([...shards.flat()].sort(byIndex)).toEqual([...unsharded].sort(byIndex));
    // `runs` is the total: each shard runs its share, the first ones one more when N does not divide it.
    expect(shards.map((ran) => ran.length)).toEqual(Array.from({ length: count }, (_, i) => Math.ceil((runs - i) / count)));
  });

  it('ends when the last cases of the sequence belong to other shards (nothing in flight to wait for)', async () => {
    const ran = await ranCases({ index: 1, count: 4 }, 7, 1);
    expect(ran.map((r) => r.index)).toEqual([0, 4]);
  });

  it('refuses adaptive feedback: a shard cannot see what the other shards showed', async () => {
    const feedback: CaseFeedback = { lag: 64, beforeCase: () => undefined, observed: () => undefined, coverage: () => ({ pairs: 0, covered: 0 }) };
    const runner: Runner = { kind: 'in-process', parallelism: 1, start: async () => undefined, close: async () => undefined, invoke: async () => observation() };
    const run = runCampaign({ cases: fc.constant(fuzzCase()), feedback, runner, judge: () => [], secrets: [], timeoutMs: 50, seed: 1, runs: 4, shard: { index: 1, count: 2 } });
    await expect(run).rejects.toMatchObject({ code: 'EFZ_USAGE', message: expect.stringContaining('non-adaptive') });
  });

  it('owns case k on shard (k mod N) + 1', () => {
    expect([0, 1, 2, 3, 4, 5].filter((k) => ownsCase({ index: 2, count: 3 }, k))).toEqual([1, 4]);
    expect(ownsCase(undefined, 5)).toBe(true);
  });
});

describe('parseShard', () => {
  it.each([
    ['1/2', { index: 1, count: 2 }],
    [' 3 / 3 ', { index: 3, count: 3 }],
    ['1/1', { index: 1, count: 1 }],
  ])('reads %j', (text, shard) => {
    expect(parseShard(text)).toEqual(shard);
  });

  it.each([
    ['0/2', 'from 1 to 2'],
    ['3/2', 'from 1 to 2'],
    ['1/0', 'N must be'],
    ['a/b', 'must be i/N'],
    ['2', 'must be i/N'],
    ['-1/2', 'must be i/N'],
  ])('rejects %j with a usage error', (text, message) => {
    expect(() => parseShard(text)).toThrowError(expect.objectContaining({ code: 'EFZ_USAGE', message: expect.stringContaining(message) }));
  });
});

describe('CaseSchedule({ adaptive: false }): cases that depend on the seed alone', () => {
  const payloads = loadPayloads();
  /** The canaries and fields the campaign drew, answering every case with a spawn that carries its canary. */
  async function drawn(adaptive: boolean, reachSinks: boolean): Promise<string[]> {
    const schedule = new CaseSchedule({ space: caseSpaceForSource(getEventSource('s3')), payloads }, { adaptive });
    const seen: string[] = [];
    const runner: Runner = {
      kind: 'in-process',
      parallelism: 1,
      start: async () => undefined,
      close: async () => undefined,
      invoke: async ({ event }) => {
        const canary = /efz[a-z0-9]{12}/.exec(JSON.stringify(event))?.[0] ?? 'efz000000000000';
        const effects: Observation['effects'] = reachSinks ? [{ kind: 'process', fn: 'exec', file: '/bin/sh', args: ['-c', `file ${canary}`], script: `file ${canary}`, blocked: false } as never] : [];
        return observation({ effects });
      },
    };
    const cases: FuzzCase[] = [];
    const recording: CaseFeedback = { ...schedule, lag: schedule.lag, adaptive: schedule.adaptive, beforeCase: (i) => schedule.beforeCase(i), observed: (i, c, o, f) => (cases.push(c), schedule.observed(i, c, o, f)), coverage: () => schedule.coverage() };
    await runCampaign({ cases: schedule.arbitrary, feedback: recording, runner, judge: () => [], secrets: [], timeoutMs: 50, seed: 3, runs: 150 });
    seen.push(...cases.map((c) => `${c.canary} ${c.injection?.point ?? '-'} ${c.injection?.family ?? '-'}`));
    return seen;
  }

  it('draws the same cases whatever the handler does', async () => {
    expect(await drawn(false, true)).toEqual(await drawn(false, false));
  });

  it('while the adaptive schedule steers by what it saw (so the test above could fail)', async () => {
    expect(await drawn(true, true)).not.toEqual(await drawn(true, false));
  });
});
