import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessEffect } from '../../../src/core/index.js';
import type { Runner } from '../../../src/runners/types.js';
import { createIsolatedRunner } from '../../../src/runners/worker/host.js';
import { isRunning, runnerOptions } from './helpers.js';

/*
 * Issue 8, point 4: with child-process realms (the default), what the handler does to its runtime stays there.
 * The fixtures do what no guard can see, as a native crash would: a shell that SIGKILLs its parent.
 */
const hostile = (name: string): string => fileURLToPath(new URL(`../../fixtures/hostile/${name}`, import.meta.url));
const open: Runner[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

async function processPool(file: string, env: Record<string, string>): Promise<Runner> {
  const options = runnerOptions('echo.mjs');
  const runner = createIsolatedRunner({ ...options, file, env: { ...options.env, ...env }, timeoutMs: 2000, workers: 1, isolation: 'process' });
  open.push(runner);
  await runner.start();
  return runner;
}


describe('child-process realms', () => {
  it('a runtime killed where no guard sees it is a signal crash that keeps the evidence recorded before it; the pool serves on', async () => {
    const runner = await processPool(hostile('signal-own-runtime.mjs'), { HOSTILE_ACT: 'shell-kill' });
    const body = ';echo efzabcdefghijkl';
    const died = await runner.invoke({ caseId: 'dies', event: { Records: [{ body }] } });
    expect(died.outcome).toMatchObject({ kind: 'crashed', reason: 'signal', exitCode: null, error: { message: 'the runtime process died of SIGKILL' } });
    // The blocked injection came before the death: streamed to the pool as it happened, it is not lost with it.
    const blocked = (died.effects ?? []).filter((e): e is ProcessEffect => e.kind === 'process' && e.blocked);
    expect(blocked.map((e) => e.script)).toEqual([`echo processing ${body}`]);
    const next = await runner.invoke({ caseId: 'next', event: { Records: [{ body: 'order-1' }] } });
    expect(next.outcome).toEqual({ kind: 'returned', value: {} });
    expect(next.instance).not.toBe(died.instance);
  });

  it('do not outlive eventfuzz: SIGKILL the process that runs the pool, and its realms end', async () => {
    const driver = spawn(process.execPath, ['--import', 'tsx', hostile('pool-driver.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      driver.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      driver.once('exit', () => reject(new Error(`the driver ended early: ${out}`)));
    });
    const { served, children } = JSON.parse(line) as { served: number[]; children: number[] };
    // The realms that served, and the warm standby beside them.
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(children).toEqual(expect.arrayContaining(served));
    expect(children.length).toBeGreaterThan(served.length);
    const pids = children;
    expect(pids.every(isRunning)).toBe(true);
    driver.kill('SIGKILL');
    const deadline = performance.now() + 5000;
    while (pids.some(isRunning) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pids.filter(isRunning)).toEqual([]);
  }, 20_000);
});
