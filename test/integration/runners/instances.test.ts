import type { Observation } from '../../../src/core/observation.js';
import type { LocalRunnerOptions, Runner } from '../../../src/runners/types.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { createIsolatedRunner } from '../../../src/runners/worker/host.js';
import { cleanTempDirs, messageLines, runCli } from '../../e2e/helpers.js';
import { fixture, runnerOptions } from './helpers.js';

type PoolOptions = Partial<LocalRunnerOptions> & { workers?: number; instances?: number };

const open: Runner[] = [];
async function started(name: string, overrides: PoolOptions = {}): Promise<Runner> {
  const runner = createIsolatedRunner({ workers: 1, ...runnerOptions(name, overrides), ...overrides });
  open.push(runner);
  await runner.start();
  return runner;
}
const invoke = (runner: Runner, event: unknown = {}, caseId = 'case') => runner.invoke({ caseId, event });
const value = (observation: Observation): Record<string, unknown> => {
  expect(observation.outcome.kind, JSON.stringify(observation.outcome)).toBe('returned');
  return (observation.outcome as { value: Record<string, unknown> }).value;
};
/** `worker-3.2` → `worker-3`: the worker behind a module instance. */
const workerOf = (instance: string): string => instance.replace(/\.\d+$/, '');

describe('isolated runner: warm instances', () => {
  afterEach(async () => {
    await Promise.all(open.splice(0).map((runner) => runner.close()));
  });
  afterAll(cleanTempDirs);

  it.each([
    ['an ES module (and its dependency)', 'instance-state/counter.mjs'],
    ['a TypeScript module (and its dependency)', 'instance-state/counter.ts'],
    ['a CommonJS module', 'cjs-package/counter.js'],
  ])('after process.exit in %s, a fresh module instance in the same worker serves the next invocation', async (_label, name) => {
    const runner = await started(name, { instances: 1 });
    const first = await invoke(runner);
    const second = await invoke(runner);
    expect(value(second)).toMatchObject({ calls: 2 });
    const crashed = await invoke(runner, { exit: true });
    expect(crashed.outcome).toEqual({ kind: 'crashed', reason: 'exit', exitCode: 4, error: undefined });
    const next = await invoke(runner);
    // Module state is back to its start (a new warm container), under a new instance name ...
    expect(value(next)).toMatchObject({ calls: 1, ...(name.includes('instance-state') ? { depCalls: 1 } : {}) });
    expect(next.instance).not.toBe(first.instance);
    expect(next.instance).toBe(`${first.instance}.1`);
    // ... and no new worker was built for it.
    expect(value(next)['realm']).toBe(value(first)['realm']);
    const after = await invoke(runner);
    expect(value(after)).toMatchObject({ calls: 2 });
    expect(after.instance).toBe(next.instance);
  });

  it('crash after crash: every invocation gets its own fresh instance, in order', async () => {
    const runner = await started('instance-state/counter.mjs', { instances: 1 });
    const crashes = await Promise.all([1, 2, 3].map((n) => invoke(runner, { exit: true }, `crash-${n}`)));
    expect(crashes.map((o) => [o.caseId, o.outcome.kind, o.instance])).toEqual([
      ['crash-1', 'crashed', 'worker-0'],
      ['crash-2', 'crashed', 'worker-0.1'],
      ['crash-3', 'crashed', 'worker-0.2'],
    ]);
  });

  it('a worker hung in a synchronous loop is terminated and the warm standby serves the next case', async () => {
    const runner = await started('hangs-sync.mjs', { timeoutMs: 1500, instances: 1 });
    const hung = await invoke(runner);
    expect(hung.outcome).toEqual({ kind: 'timeout', limitMs: 1500 });
    const next = await invoke(runner, { hang: false });
    expect(next.outcome).toEqual({ kind: 'returned', value: 'ok' });
    // worker-0 served first, worker-1 was loaded as the standby right after start: it took over.
    expect(hung.instance).toBe('worker-0');
    expect(next.instance).toBe('worker-1');
    // A new standby replaces it, so a second hang is covered the same way.
    const hungAgain = await invoke(runner);
    expect(hungAgain.outcome).toEqual({ kind: 'timeout', limitMs: 1500 });
    expect((await invoke(runner, { hang: false })).outcome).toEqual({ kind: 'returned', value: 'ok' });
  });

  it('grows while throughput grows, never past the cap; each worker is one warm instance', async () => {
    const cap = 3;
    const runner = await started('sleeps.mjs', { workers: 1, instances: cap });
    expect(runner.parallelism).toBe(2);
    const results: Observation[] = [];
    let maxParallelism = runner.parallelism;
    const deadline = performance.now() + 10_000;
    // A campaign's loop: keep `parallelism` in flight, read it again each time.
    let inflight = 0;
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (inflight < runner.parallelism && results.length + inflight < 2000 && (maxParallelism < cap * 2 || results.length < 300) && performance.now() < deadline) {
          inflight++;
          void invoke(runner, { ms: 10 }, String(results.length + inflight)).then((observation) => {
            inflight--;
            results.push(observation);
            maxParallelism = Math.max(maxParallelism, runner.parallelism);
            pump();
          });
        }
        if (inflight === 0) resolve();
      };
      pump();
    });
    expect(results.every((o) => o.outcome.kind === 'returned')).toBe(true);
    expect(maxParallelism).toBeLessThanOrEqual(cap * 2);
    const instances = new Set(results.map((o) => o.instance));
    const realms = new Set(results.map((o) => value(o)['realm']));
    expect(instances.size).toBeLessThanOrEqual(cap);
    expect(realms.size).toBe(instances.size);
    expect([...instances].every((instance) => workerOf(instance) === instance)).toBe(true);
    // It did grow (an I/O-bound handler: more instances, more throughput).
    expect(instances.size).toBeGreaterThan(1);
  });

  it('never starts below the worker count: --instances below --workers is raised to it', async () => {
    const runner = await started('echo.mjs', { workers: 2, instances: 1 });
    expect(runner.parallelism).toBe(4);
  });
});

describe('--instances and instances are validated', () => {
  it.each(['0', '1.5', 'many', '-3'])('eventfuzz fuzz --instances %s is a usage error: exit 2, one line, no stack', async (raw) => {
    const result = await runCli(['fuzz', fixture('echo.mjs'), '--source', 'sqs', '--runs', '5', '--instances', raw]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).not.toMatch(/eventfuzz: fuzzing |internal error|    at /);
    const lines = messageLines(result.stderr);
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toContain('--instances');
  });

  it('fuzz({ instances: 0 }) rejects with EFZ_USAGE before anything runs', async () => {
    await expect(fuzz({ handler: fixture('echo.mjs'), source: 'sqs', runs: 5, runner: 'isolated', instances: 0 })).rejects.toMatchObject({
      code: 'EFZ_USAGE',
      message: expect.stringContaining('instances'),
    });
    await expect(fuzz({ handler: fixture('echo.mjs'), source: 'sqs', runs: 5, runner: 'isolated', instances: 2.5 })).rejects.toMatchObject({ code: 'EFZ_USAGE' });
  });
});
