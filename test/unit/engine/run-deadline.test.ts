import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, Observation } from '../../../src/core/index.js';
import { runCampaign } from '../../../src/engine/campaign.js';
import type { CampaignOptions } from '../../../src/engine/types.js';
import type { Runner } from '../../../src/runners/types.js';
import { fuzzCase, observation } from '../../helpers/observation.js';

// `durationMs` is the run's length, honoured within a second: at the deadline nothing new starts, and what is
// still running is given up on when the runner ends it at close (a worker pool), or waited for when it cannot
// (in-process: the handler runs in this process, and its per-invocation deadline bounds it).

const crash: Finding = { oracle: 'crash', confidence: 'confirmed', severity: 'high', title: 'Handler threw', evidence: 'late', signature: 'threw:Error' };
const timeoutFinding: Finding = { oracle: 'timeout', confidence: 'confirmed', severity: 'medium', title: 'Handler timed out', evidence: 'no result within 10000 ms', signature: 'timeout' };
const after = (ms: number, value: Observation): Promise<Observation> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

/** A runner whose third invocation answers `third()`; the others answer at once, fine. */
function runner(kind: Runner['kind'], third: () => Promise<Observation>): Runner & { calls(): number } {
  let calls = 0;
  return {
    kind,
    parallelism: 2,
    start: async () => undefined,
    close: async () => undefined,
    invoke: () => (++calls === 3 ? third() : after(2, observation())),
    calls: () => calls,
  };
}

function options(overrides: Partial<CampaignOptions> & Pick<CampaignOptions, 'runner'>): CampaignOptions {
  return {
    cases: fc.constant(fuzzCase()),
    judge: (obs) => (obs.outcome.kind === 'threw' ? [crash] : obs.outcome.kind === 'timeout' ? [timeoutFinding] : []),
    secrets: [],
    timeoutMs: 10_000,
    seed: 1,
    runs: Number.POSITIVE_INFINITY,
    durationMs: 300,
    ...overrides,
  };
}

describe('campaign: the time budget', () => {
  it('gives up on an invocation that outlives the deadline when the runner ends it at close, and says so', async () => {
    const notices: string[] = [];
    const hangs = runner('isolated', () => new Promise<Observation>(() => undefined)); // never answers
    const result = await runCampaign(options({ runner: hangs, listener: { onNotice: (line) => notices.push(line) } }));
    expect(result.stats.runs).toBe(hangs.calls());
    expect(result.findings).toEqual([]);
    expect(notices).toEqual([expect.stringMatching(/time budget ended: 1 invocation was still running .*--duration/)]);
  });

  it('waits for an in-process invocation past the deadline, and judges it', async () => {
    const late = runner('in-process', () => after(600, observation({ outcome: { kind: 'threw', error: { name: 'Error', message: 'late', stack: undefined, code: undefined, isError: true } } })));
    const notices: string[] = [];
    const result = await runCampaign(options({ runner: late, listener: { onNotice: (line) => notices.push(line) } }));
    expect(result.findings.map((f) => f.oracle)).toEqual(['crash']);
    expect(notices).toEqual([]);
  });

  it('does not start a timeout re-run that cannot finish before the deadline: the timeout is kept, unconfirmed, saying why', async () => {
    const slow = runner('isolated', () => Promise.resolve(observation({ outcome: { kind: 'timeout', limitMs: 10_000 } })));
    const result = await runCampaign(options({ runner: slow, runs: 3, durationMs: 5_000 }));
    expect(result.findings.map((f) => [f.oracle, f.confidence])).toEqual([['timeout', 'tainted']]);
    expect(result.findings[0]!.evidence).toMatch(/Not re-run \(too little of the time budget was left\): unconfirmed/);
    expect(slow.calls()).toBe(3); // the three cases, no re-run
  });
});
