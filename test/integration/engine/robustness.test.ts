import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseSpaceForSource, fuzzCaseArbitrary, getEventSource } from '../../../generators/index.js';
import type { Observation, Outcome } from '../../../src/core/index.js';
import { runCampaign } from '../../../src/engine/campaign.js';
import type { CampaignResult, ReportedFinding } from '../../../src/engine/types.js';
import { judge, selectOracles } from '../../../src/oracles/index.js';
import { loadPayloads } from '../../../src/payloads/index.js';
import { createLambdaEnvironment } from '../../../src/runners/lambda-env.js';
import type { Runner } from '../../../src/runners/types.js';
import { createIsolatedRunner } from '../../../src/runners/worker/host.js';
import type { Branch } from '../../fixtures/e2e/misbehaves.mjs';
import { BRANCHES, branchOf } from '../../fixtures/e2e/misbehaves.mjs';

/*
 * DESIGN.md: "The handler under test is hostile: nothing it does (hang, exit, throw non-Errors, pollute prototypes,
 * flood logs, allocate without bound) may crash eventfuzz or hide other findings." One campaign against a handler
 * that, depending on the event, spins forever, calls process.exit, exhausts its heap, never settles, throws a
 * string, or behaves.
 */
const FILE = fileURLToPath(new URL('../../fixtures/e2e/misbehaves.mjs', import.meta.url));
const SEED = 20_240_601;
const RUNS = 320;
// Long enough for a 64 MB heap to be exhausted on a loaded machine: V8's last-resort collections before it gives
// up take ~50 ms each here, and at 300 ms a busy CI machine saw the out-of-memory case as a timeout.
const TIMEOUT_MS = 1_000;
const MEMORY_MB = 64;

/** What each branch of the fixture must come back as. */
const EXPECTED: Record<Branch, (outcome: Outcome) => boolean> = {
  'sync-loop': (o) => o.kind === 'timeout' && o.limitMs === TIMEOUT_MS,
  'never-resolves': (o) => o.kind === 'timeout' && o.limitMs === TIMEOUT_MS,
  exit: (o) => o.kind === 'crashed' && o.reason === 'exit' && o.exitCode === 1,
  oom: (o) => o.kind === 'crashed' && o.reason === 'out-of-memory',
  'throw-string': (o) => o.kind === 'threw' && !o.error.isError,
  returns: (o) => o.kind === 'returned',
};

interface Seen {
  readonly branch: Branch;
  readonly outcome: Outcome;
}

let result: CampaignResult;
const seen: Seen[] = [];
let elapsedMs = 0;

beforeAll(async () => {
  const { env, secrets } = createLambdaEnvironment({ functionName: 'misbehaves', region: 'us-east-1', memoryLimitMb: MEMORY_MB, timeoutMs: TIMEOUT_MS, seed: SEED, handlerFile: FILE });
  const pool = createIsolatedRunner({ file: FILE, exportName: 'handler', timeoutMs: TIMEOUT_MS, env, allowExec: false, functionName: 'misbehaves', memoryLimitMb: MEMORY_MB, workers: 2 });
  // The same pool, watched: every observation is kept with the branch its event took.
  const runner: Runner = {
    kind: pool.kind,
    parallelism: pool.parallelism,
    start: () => pool.start(),
    close: () => pool.close(),
    invoke: async (invocation): Promise<Observation> => {
      const observation = await pool.invoke(invocation);
      seen.push({ branch: branchOf(invocation.event), outcome: observation.outcome });
      return observation;
    },
  };
  const oracles = selectOracles();
  const started = performance.now();
  await runner.start();
  try {
    result = await runCampaign({
      cases: fuzzCaseArbitrary({ space: caseSpaceForSource(getEventSource('sqs')), payloads: loadPayloads() }),
      runner,
      judge: (observation, context) => judge(observation, oracles, context),
      secrets,
      timeoutMs: TIMEOUT_MS,
      seed: SEED,
      runs: RUNS,
      // Shrinking a hang costs a hang per candidate: keep it short, this suite is about surviving, not shrinking.
      shrink: { maxInvocations: 2, maxMs: 300 },
    });
  } finally {
    await runner.close();
    elapsedMs = performance.now() - started;
  }
}, 90_000);

afterAll(() => {
  seen.length = 0;
});

const byOracle = (oracle: string): ReportedFinding[] => result.findings.filter((f) => f.oracle === oracle);

describe('a campaign against a hostile handler (isolated runner)', () => {
  it('reaches every misbehaviour within the budget', () => {
    const reached = new Set(seen.map((s) => s.branch));
    for (const branch of [...BRANCHES, 'returns' as const]) expect(reached, `branch ${branch} never ran; elapsed ${elapsedMs} ms`).toContain(branch);
  });

  it('runs the whole budget: no misbehaviour ends the campaign', () => {
    expect(result.stats.runs).toBe(RUNS);
    expect(result.interrupted).toBe(false);
    expect(result.stats.invocations).toBeGreaterThanOrEqual(RUNS);
    expect(seen.length).toBe(result.stats.invocations);
    // Nothing was lost in transport (a dead worker's queued invocations ran elsewhere).
    expect(seen.filter((s) => s.outcome.kind === 'transport-error')).toEqual([]);
    expect(seen.filter((s) => s.branch === 'returns').length).toBeGreaterThan(RUNS / 2);
  });

  it('classifies each invocation by what the handler really did', () => {
    const wrong = seen.filter((s) => !EXPECTED[s.branch](s.outcome)).map((s) => ({ branch: s.branch, outcome: JSON.stringify(s.outcome).slice(0, 200) }));
    expect(wrong).toEqual([]);
    // Both kinds of hang were timeouts: the worker's own deadline (a pending promise) and the host watchdog (a spin).
    for (const branch of ['sync-loop', 'never-resolves'] as const) expect(seen.some((s) => s.branch === branch && s.outcome.kind === 'timeout')).toBe(true);
  });

  it('reports timeouts, exit and out-of-memory crashes, and the thrown string, all from the same run', () => {
    expect(byOracle('timeout').length).toBeGreaterThan(0);
    for (const finding of byOracle('timeout')) expect(finding.evidence).toMatch(new RegExp(`no result within ${TIMEOUT_MS} ms`));
    const crashes = byOracle('crash');
    const exit = crashes.find((f) => /exited the runtime/.test(f.title));
    expect(exit, crashes.map((f) => f.title).join('\n')).toBeDefined();
    expect(exit!.title).toContain('code 1');
    expect(exit!.severity).toBe('high');
    expect(exit!.evidence).toContain('exit code 1');
    const oom = crashes.find((f) => /out of memory/i.test(f.title));
    expect(oom, crashes.map((f) => f.title).join('\n')).toBeDefined();
    expect(oom!.severity).toBe('high');
    const thrown = crashes.find((f) => /non-Error/.test(f.title));
    expect(thrown, crashes.map((f) => f.title).join('\n')).toBeDefined();
    expect(thrown!.evidence).toContain('a plain string, not an Error');
    // Each finding's stored (possibly shrunk) case still takes a branch that shows exactly that finding.
    const showing = (finding: ReportedFinding): readonly Branch[] =>
      finding.oracle === 'timeout' ? ['sync-loop', 'never-resolves'] : finding === exit ? ['exit'] : finding === oom ? ['oom'] : ['throw-string'];
    for (const finding of [...byOracle('timeout'), exit!, oom!, thrown!]) {
      expect(showing(finding), `${finding.title} at ${finding.injectionPoint}`).toContain(branchOf(finding.case.event));
    }
    // No oracle broke on these observations.
    expect(byOracle('eventfuzz-internal')).toEqual([]);
  });

  it('stays within its time budget', () => {
    expect(elapsedMs).toBeLessThan(45_000);
  });
});
