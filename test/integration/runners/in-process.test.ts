import type { Effect } from '../../../src/core/observation.js';
import type { ProbeHooks } from '../../../src/runners/probe-hooks.js';
import type { Runner } from '../../../src/runners/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessRunner } from '../../../src/runners/in-process.js';
import { runnerOptions } from './helpers.js';

const open: Runner[] = [];
async function started(name: string, exportName = 'handler', extra: { probes?: ProbeHooks; timeoutMs?: number } = {}): Promise<Runner> {
  const runner = createInProcessRunner({ ...runnerOptions(name, { exportName, ...(extra.timeoutMs === undefined ? {} : { timeoutMs: extra.timeoutMs }) }), ...(extra.probes ? { probes: extra.probes } : {}) });
  open.push(runner);
  await runner.start();
  return runner;
}
const invoke = (runner: Runner, event: unknown = {}) => runner.invoke({ caseId: 'case-1', event });

describe('in-process runner', () => {
  afterEach(async () => {
    await Promise.all(open.splice(0).map((runner) => runner.close()));
  });

  it('returns what the handler returned, with a realistic context, and leaves the case event untouched', async () => {
    const runner = await started('echo.mjs');
    const event = { Records: [{ body: 'x' }] };
    const observation = await invoke(runner, event);
    expect(observation).toMatchObject({ caseId: 'case-1', instance: 'in-process', logs: [], effects: [] });
    expect(observation.outcome).toMatchObject({ kind: 'returned', value: { event } });
    expect((observation.outcome as { value: { requestId: string } }).value.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(observation.durationMs).toBeGreaterThanOrEqual(0);
    expect(runner.parallelism).toBe(1);
  });

  it('loads CommonJS and TypeScript handlers', async () => {
    expect((await invoke(await started('echo.cjs'))).outcome).toMatchObject({ kind: 'returned', value: { kind: 'cjs' } });
    expect((await invoke(await started('echo.ts'), { n: 1 })).outcome).toEqual({ kind: 'returned', value: { event: { n: 1 }, kind: 'ts' } });
  });

  it.each([
    ['handler', { kind: 'returned', value: { via: 'callback', event: {} } }],
    ['fails', { kind: 'threw', error: expect.objectContaining({ message: 'callback failure', isError: true }) }],
    ['succeeds', { kind: 'returned', value: { via: 'context.succeed' } }],
  ])('completes callback-style handler #%s', async (exportName, outcome) => {
    expect((await invoke(await started('callback.js', exportName))).outcome).toEqual(outcome);
  });

  it('reports thrown errors and non-Error throws', async () => {
    expect((await invoke(await started('throws.mjs'))).outcome).toMatchObject({
      kind: 'threw',
      error: { name: 'TypeError', message: 'boom from handler', isError: true },
    });
    expect((await invoke(await started('throws-string.mjs'))).outcome).toMatchObject({
      kind: 'threw',
      error: { message: 'a plain string', isError: false },
    });
  });

  it('times out a never-resolving promise and keeps serving', async () => {
    const runner = await started('never-resolves.mjs', 'handler', { timeoutMs: 200 });
    const hung = await invoke(runner);
    expect(hung.outcome).toEqual({ kind: 'timeout', limitMs: 200 });
    expect(hung.durationMs).toBeGreaterThanOrEqual(190);
    expect((await invoke(runner, { hang: false })).outcome).toEqual({ kind: 'returned', value: 'ok' });
  });

  it('turns an unhandled rejection into a crash of the invocation, without failing the test run', async () => {
    const runner = await started('unhandled-rejection.mjs');
    expect((await invoke(runner)).outcome).toMatchObject({
      kind: 'crashed',
      reason: 'unhandled-rejection',
      error: { message: 'nobody handles me' },
    });
    expect((await invoke(runner, { reject: false })).outcome).toEqual({ kind: 'returned', value: 'ok' });
  });

  it('turns an uncaught exception from a timer into a crash', async () => {
    const runner = await started('unhandled-rejection.mjs', 'throwsLater');
    expect((await invoke(runner)).outcome).toMatchObject({ kind: 'crashed', reason: 'uncaught-exception', error: { message: 'thrown from a timer' } });
  });

  it('turns process.exit into a crash and keeps the process alive', async () => {
    const runner = await started('exits.mjs');
    expect((await invoke(runner)).outcome).toEqual({ kind: 'crashed', reason: 'exit', exitCode: 3, error: undefined });
    expect((await invoke(runner, { exit: false })).outcome).toEqual({ kind: 'returned', value: 'ok' });
  });

  it('captures console and stdio output without printing it', async () => {
    const observation = await invoke(await started('logs-flood.mjs', 'few'));
    expect(observation.logs).toEqual(['hello { a: 1 }', 'careful', 'raw stdout\n']);
  });

  it('bounds a log flood to 200 entries and 64 KiB, noting what was dropped', async () => {
    const observation = await invoke(await started('logs-flood.mjs'), { lines: 20_000 });
    expect(observation.outcome).toEqual({ kind: 'returned', value: 20_000 });
    expect(observation.logs.length).toBeLessThanOrEqual(201);
    expect(observation.logs.slice(0, -1).join('').length).toBeLessThanOrEqual(64 * 1024);
    expect(observation.logs.at(-1)).toMatch(/^… \d+ more bytes dropped$/);
  });

  it('shows the Lambda environment and canary credentials to the handler, and restores process.env on close', async () => {
    const options = runnerOptions('env-echo.mjs');
    const before = process.env['AWS_ACCESS_KEY_ID'];
    const runner = createInProcessRunner(options);
    open.push(runner);
    await runner.start();
    const observation = await invoke(runner);
    expect(observation.outcome).toEqual({
      kind: 'returned',
      value: {
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: options.env['AWS_ACCESS_KEY_ID'],
        AWS_SECRET_ACCESS_KEY: options.env['AWS_SECRET_ACCESS_KEY'],
        AWS_SESSION_TOKEN: options.env['AWS_SESSION_TOKEN'],
      },
    });
    await runner.close();
    expect(process.env['AWS_ACCESS_KEY_ID']).toBe(before);
  });

  it('installs probes before loading, and reports their effects per invocation', async () => {
    const calls: string[] = [];
    const effect: Effect = { kind: 'globals-modified', target: 'Object.prototype', key: 'polluted', detail: 'added' };
    const probes: ProbeHooks = {
      installProbes: (options) => {
        calls.push(`install:${options.allowExec}`);
        return { begin: () => calls.push('begin'), end: () => (calls.push('end'), [effect]) };
      },
    };
    const runner = await started('echo.mjs', 'handler', { probes });
    expect((await invoke(runner)).effects).toEqual([effect]);
    expect(calls).toEqual(['install:false', 'begin', 'end']);
  });

  it('rejects start() with the load error', async () => {
    const runner = createInProcessRunner(runnerOptions('no-handler-export.mjs'));
    await expect(runner.start()).rejects.toMatchObject({ code: 'EFZ_HANDLER_NOT_FOUND', message: expect.stringContaining('main, notAFunction, other') });
  });
});
