import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { restSampleWithBody } from '../../helpers/event-fixtures.js';
import { summary } from '../../../src/reporters/console.js';

// Issue 7 points 3 and 9 on handlers in the shapes other teams write. A blocked no-shell call of a fixed program
// "succeeds" for the handler, so safe handlers report nothing (before: `spawn echo ENOENT` came back as a crash);
// a program the payload names is command injection, and the handler rethrowing the block's ENOENT is not a crash.
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const run = (file: string, body: unknown) =>
  fuzz({ handler: here(`../../fixtures/spawn-shapes/${file}`), samples: [restSampleWithBody(body)], categories: ['command-injection'], runs: 120, seed: 7 });

describe('child_process shapes: blocks are not the handler bugs', () => {
  // A shell script whose token stays inside the handler's quotes cannot start a command either.
  it.each([
    ['safe-promisify-execfile.mjs', { url: 'https://example.com/a' }],
    ['safe-spawn-stream.mjs', { name: 'photo.png' }],
    ['safe-execa-like.mjs', { name: 'ada' }],
    ['safe-quoted-exec.mjs', { name: 'photo.png' }],
    ['safe-printf-json.mjs', { name: 'parcel' }],
  ])('%s (fixed program, payload argument) reports nothing', async (file, body) => {
    const report = await run(file, body);
    expect(report.findings.map((f) => `${f.oracle}: ${f.title}`)).toEqual([]);
  });

  it.each([
    ['vuln-promisify-exec.mjs', { url: 'https://example.com/a' }],
    ['vuln-program-from-event.mjs', { tool: 'uname' }],
    ['vuln-execfile-tool.mjs', { tool: 'date', args: ['-u'] }],
    ['vuln-double-quoted-exec.mjs', { name: 'photo.png' }],
  ])('%s reports a confirmed command injection and no crash or disclosure caused by the block', async (file, body) => {
    const report = await run(file, body);
    const injections = report.findings.filter((f) => f.oracle === 'command-injection');
    expect(injections.map((f) => f.confidence)).toContain('confirmed');
    expect(report.findings.filter((f) => f.oracle !== 'command-injection').map((f) => `${f.oracle}: ${f.evidence}`)).toEqual([]);
  });

  it('counts the blocked calls in the report stats and the summary', async () => {
    const report = await run('safe-promisify-execfile.mjs', { url: 'https://example.com/a' });
    expect(report.stats.blocked.process).toBeGreaterThan(0);
    expect(report.stats.blocked.process).toBeLessThanOrEqual(report.stats.invocations);
    expect(summary(report)).toContain(`Blocked calls carrying a payload: ${report.stats.blocked.process} commands, 0 file operations, 0 connections`);
  });
});
