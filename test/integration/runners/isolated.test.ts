import type { LocalRunnerOptions, Runner } from '../../../src/runners/types.js';
import type { Isolation } from '../../../src/runners/worker/realm.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIsolatedRunner } from '../../../src/runners/worker/host.js';
import { isolations } from '../../../src/runners/worker/realm.js';
import { runnerOptions } from './helpers.js';

const open: Runner[] = [];
let isolation: Isolation = 'process';
function isolated(name: string, overrides: Partial<LocalRunnerOptions> & { workers?: number } = {}): Runner {
  const runner = createIsolatedRunner({ workers: 1, isolation, ...runnerOptions(name, overrides), ...overrides });
  open.push(runner);
  return runner;
}
async function started(name: string, overrides: Partial<LocalRunnerOptions> & { workers?: number } = {}): Promise<Runner> {
  const runner = isolated(name, overrides);
  await runner.start();
  return runner;
}
const invoke = (runner: Runner, event: unknown = {}, caseId = 'case-1') => runner.invoke({ caseId, event });

// Every behaviour holds in both realms a warm instance can run in: a child process (the default) and a thread.
describe.each(isolations)('isolated runner (%s realm)', (realm) => {
  beforeAll(() => {
    isolation = realm;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((runner) => runner.close()));
  });

  it('returns what the handler returned, from a warm worker instance', async () => {
    const runner = await started('echo.mjs', { workers: 2 });
    expect(runner.kind).toBe('isolated');
    expect(runner.parallelism).toBe(4);
    const first = await invoke(runner, { a: 1 });
    expect(first).toMatchObject({ caseId: 'case-1', outcome: { kind: 'returned', value: { event: { a: 1 } } }, logs: [], effects: [] });
    expect(first.instance).toMatch(/^worker-\d+$/);
  });

  it('loads TypeScript, CommonJS and callback-style handlers', async () => {
    expect((await invoke(await started('echo.ts'), { n: 1 })).outcome).toEqual({ kind: 'returned', value: { event: { n: 1 }, kind: 'ts' } });
    expect((await invoke(await started('cjs-package/echo.js'))).outcome).toMatchObject({ kind: 'returned', value: { kind: 'cjs-js' } });
    expect((await invoke(await started('callback.js'))).outcome).toEqual({ kind: 'returned', value: { via: 'callback', event: {} } });
  });

  it('loads no TypeScript loader for a JavaScript handler, as Lambda does not (it costs ~0.3 s per instance)', async () => {
    expect((await invoke(await started('imports-typescript.mjs'))).outcome).toEqual({ kind: 'returned', value: { refused: expect.stringMatching(/^(ERR_UNKNOWN_FILE_EXTENSION|ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX)$/) } });
  });

  it('reports thrown errors and non-Error throws', async () => {
    expect((await invoke(await started('throws.mjs'))).outcome).toMatchObject({ kind: 'threw', error: { name: 'TypeError', isError: true } });
    expect((await invoke(await started('throws-string.mjs'))).outcome).toMatchObject({ kind: 'threw', error: { message: 'a plain string', isError: false } });
  });

  it('times out a never-resolving promise from the worker itself; the same worker serves on', async () => {
    const runner = await started('never-resolves.mjs', { timeoutMs: 200 });
    const hung = await invoke(runner);
    expect(hung.outcome).toEqual({ kind: 'timeout', limitMs: 200 });
    const next = await invoke(runner, { hang: false });
    expect(next.outcome).toEqual({ kind: 'returned', value: 'ok' });
    expect(next.instance).toBe(hung.instance);
  });

  it('terminates a worker stuck in a synchronous loop (timeout) and replaces it', async () => {
    const runner = await started('hangs-sync.mjs', { timeoutMs: 200 });
    const hung = await invoke(runner);
    expect(hung.outcome).toEqual({ kind: 'timeout', limitMs: 200 });
    const next = await invoke(runner, { hang: false });
    expect(next.outcome).toEqual({ kind: 'returned', value: 'ok' });
    expect(next.instance).not.toBe(hung.instance);
  });

  it('reports process.exit as a crash with its code and carries on', async () => {
    const runner = await started('exits.mjs');
    expect((await invoke(runner)).outcome).toEqual({ kind: 'crashed', reason: 'exit', exitCode: 3, error: undefined });
    expect((await invoke(runner, { exit: false })).outcome).toEqual({ kind: 'returned', value: 'ok' });
  });

  it('reports heap exhaustion as out-of-memory and carries on', async () => {
    const runner = await started('oom.mjs', { memoryLimitMb: 64, timeoutMs: 10_000 });
    const crashed = await invoke(runner);
    expect(crashed.outcome).toMatchObject({ kind: 'crashed', reason: 'out-of-memory' });
    expect((await invoke(runner, { oom: false })).outcome).toEqual({ kind: 'returned', value: 'ok' });
  });

  it('reports unhandled rejections and uncaught exceptions as crashes and replaces the worker', async () => {
    const rejecting = await started('unhandled-rejection.mjs');
    const crashed = await invoke(rejecting);
    expect(crashed.outcome).toMatchObject({ kind: 'crashed', reason: 'unhandled-rejection', error: { message: 'nobody handles me' } });
    const next = await invoke(rejecting, { reject: false });
    expect(next.outcome).toEqual({ kind: 'returned', value: 'ok' });
    expect(next.instance).not.toBe(crashed.instance);
    const throwing = await started('unhandled-rejection.mjs', { exportName: 'throwsLater' });
    expect((await invoke(throwing)).outcome).toMatchObject({ kind: 'crashed', reason: 'uncaught-exception', error: { message: 'thrown from a timer' } });
  });

  it('re-runs invocations queued behind a crash on the replacement worker', async () => {
    const runner = await started('exits.mjs');
    const results = await Promise.all([invoke(runner, {}, 'crash'), ...[1, 2, 3].map((n) => invoke(runner, { exit: false }, `ok-${n}`))]);
    expect(results.map((o) => [o.caseId, o.outcome.kind])).toEqual([
      ['crash', 'crashed'],
      ['ok-1', 'returned'],
      ['ok-2', 'returned'],
      ['ok-3', 'returned'],
    ]);
  });

  it('captures logs in the worker, bounded', async () => {
    expect((await invoke(await started('logs-flood.mjs', { exportName: 'few' }))).logs).toEqual(['hello { a: 1 }', 'careful', 'raw stdout\n']);
    const flood = await invoke(await started('logs-flood.mjs'), { lines: 20_000 });
    expect(flood.logs.length).toBeLessThanOrEqual(201);
    expect(flood.logs.at(-1)).toMatch(/^… \d+ more bytes dropped$/);
  });

  it('gives the handler the Lambda environment and canaries, not the host environment', async () => {
    process.env['EFZ_TEST_HOST_ONLY'] = 'host';
    try {
      const options = runnerOptions('env-echo.mjs');
      const runner = await started('env-echo.mjs');
      const names = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN', 'EFZ_TEST_HOST_ONLY', 'PATH'];
      const observation = await invoke(runner, { names });
      expect(observation.outcome).toEqual({
        kind: 'returned',
        value: {
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: options.env['AWS_ACCESS_KEY_ID'],
          AWS_SESSION_TOKEN: options.env['AWS_SESSION_TOKEN'],
          EFZ_TEST_HOST_ONLY: undefined,
          PATH: process.env['PATH'],
        },
      });
    } finally {
      delete process.env['EFZ_TEST_HOST_ONLY'];
    }
  });

  it('spreads pipelined work over the pool', async () => {
    const runner = await started('echo.mjs', { workers: 2 });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => invoke(runner, { i }, `case-${i}`)));
    expect(results.every((o, i) => o.caseId === `case-${i}` && o.outcome.kind === 'returned')).toBe(true);
    expect(new Set(results.map((o) => o.instance)).size).toBe(2);
  });

  it.each([
    ['syntax-error.mjs', 'EFZ_HANDLER_LOAD_FAILED', 'syntax-error.mjs:2'],
    ['no-handler-export.mjs', 'EFZ_HANDLER_NOT_FOUND', 'Exports found: main, notAFunction, other'],
    ['missing.mjs', 'EFZ_HANDLER_NOT_FOUND', 'missing.mjs'],
  ])('rejects start() for %s with the same HarnessError as in-process', async (name, code, text) => {
    await expect(isolated(name).start()).rejects.toMatchObject({ code, message: expect.stringContaining(text) });
  });

  it('refuses invocations after close', async () => {
    const runner = await started('echo.mjs');
    await runner.close();
    await expect(invoke(runner)).rejects.toMatchObject({ code: 'EFZ_RUNNER_UNAVAILABLE' });
  });
});
