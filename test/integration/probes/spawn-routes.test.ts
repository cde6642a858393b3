import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

/*
 * Issue 8, point 1: every way to start a process is guarded, also those around child_process's exported
 * functions: the ChildProcess class, the spawn_sync binding, worker threads the handler starts (eval code and
 * module files), child node processes (shelljs's route), a node process started from the handler's worker, and
 * a vm context left through its constructor chain. Checked by side effect: the command would leave a
 * marker file. The handler's command injection is still reported, through whichever route.
 */
const handler = fileURLToPath(new URL('../../fixtures/hostile/spawn-around-child-process.mjs', import.meta.url));
const markers = mkdtempSync(join(tmpdir(), 'efz-spawn-routes-'));
afterAll(() => rmSync(markers, { recursive: true, force: true }));

const ROUTES = ['child-process-class', 'spawn-sync-binding', 'worker-eval', 'worker-file', 'worker-child-node', 'vm-context', 'child-node-script'] as const;

describe('a payload command started around child_process never runs, and is reported', () => {
  // Every route isolated (the CLI's default); in-process (which shares the realm with eventfuzz) for the two whose
  // guards live outside the realm's own module patches: the native bindings and the child node's probes.
  const cases = [...ROUTES.map((route) => [route, 'isolated'] as const), ['spawn-sync-binding', 'in-process'] as const, ['child-node-script', 'in-process'] as const];
  it.each(cases)('%s (%s)', async (route, runner) => {
    // A worker or child node costs ~0.5 s to start with its probes: the wall clock bounds the shrinking too.
    const report = await fuzz({ handler, source: 'sqs', runs: 6, seed: 3, runner, durationMs: 2_500, env: { SPAWN_ROUTE: route, MARKER_DIR: markers } });
    expect(readdirSync(markers).filter((name) => name.startsWith(`${route}-`))).toEqual([]);
    expect(report.findings.map((f) => f.oracle)).toContain('command-injection');
  });
});
