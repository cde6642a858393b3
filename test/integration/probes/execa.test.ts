import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

/*
 * Issue 8, point 1: a blocked call completes the way the real call would, so libraries built on streams never
 * hang. execa waits for every stdio stream of the child to finish: with a stdin that never closed, each blocked
 * call hung until the deadline (1 case/s, and spurious timeouts). The handler's own command injection through
 * execa is still reported.
 */
const handler = fileURLToPath(new URL('../../fixtures/hostile/execa-handler.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'efz-execa-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('execa on top of blocked calls', () => {
  it.each([
    ['shell', ['command-injection']],
    ['file', []],
  ] as const)('%s: every call settles, none is left waiting for the deadline', async (form, oracles) => {
    const log = join(dir, `${form}.log`);
    const report = await fuzz({ handler, source: 'sqs', runs: 20, seed: 1, runner: 'isolated', timeoutMs: 1_000, env: { EXECA_FORM: form, EXECA_LOG: log } });
    expect([...new Set(report.findings.map((f) => f.oracle))]).toEqual(oracles);
    expect(report.baseline.problems).toEqual([]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.filter((line) => line === 'settled').length).toBe(lines.filter((line) => line === 'start').length);
  });
});
