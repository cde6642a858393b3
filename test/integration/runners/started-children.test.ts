import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { isRunning } from './helpers.js';

/*
 * Issue 8, point 5: processes the handler started, detached or not, do not outlive the run. The fixture leaves
 * two `sleep 30` behind on every invocation and logs their pids; once fuzz() returns none may be running.
 */
const handler = fileURLToPath(new URL('../../fixtures/hostile/leaves-children.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'efz-children-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('the children a handler leaves behind end with the run', () => {
  it.each(['isolated', 'in-process'] as const)('%s', async (runner) => {
    const log = join(dir, `${runner}.pids`);
    const report = await fuzz({ handler, source: 'sqs', runs: 5, seed: 1, runner, env: { PID_LOG: log } });
    expect(report.stats.runs).toBe(5);
    const pids = readFileSync(log, 'utf8').trim().split('\n').map(Number);
    expect(pids.length).toBeGreaterThanOrEqual(10);
    await new Promise((resolve) => setTimeout(resolve, 200)); // SIGKILL is delivered asynchronously
    expect(pids.filter(isRunning)).toEqual([]);
  });
});
