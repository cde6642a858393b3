import { describe, expect, it } from 'vitest';
import { colorEnabled } from '../../../src/cli/color.js';
import type { FuzzReport } from '../../../src/api/report.js';
import { createConsoleReporter } from '../../../src/reporters/console.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };
const ANSI = /\u001b\[/;

describe('colorEnabled', () => {
  it.each([
    ['a terminal', tty, {}, true],
    ['a pipe or log', pipe, {}, false],
    ['a dumb terminal', tty, { TERM: 'dumb' }, false],
    ['NO_COLOR on a terminal', tty, { NO_COLOR: '1' }, false],
    ['an empty NO_COLOR', tty, { NO_COLOR: '' }, true],
    ['FORCE_COLOR on a pipe', pipe, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR over NO_COLOR', pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a terminal', tty, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a terminal', tty, { FORCE_COLOR: 'false' }, false],
  ] as const)('%s', (_name, stream, env, expected) => {
    expect(colorEnabled(stream, env)).toBe(expected);
  });
});

describe('the console reporter in colour', () => {
  const report = {
    tool: { name: 'eventfuzz', version: '0.0.0' },
    target: { kind: 'local', ref: 'h.mjs#handler' },
    source: 'sqs',
    seed: 1,
    stats: { runs: 1, invocations: 1, durationMs: 1, execsPerSecond: 1, blocked: { process: 0, file: 0, network: 0 } },
    interrupted: false,
    baseline: { events: 1, problems: [] },
    findings: [
      { id: 'a', oracle: 'command-injection', confidence: 'confirmed', severity: 'critical', title: 'Shell ran a payload', evidence: 'ran', injectionPoint: 'Records[*].body', field: 'Records[0].body', payloadId: 'ci-semicolon', hits: 1, event: {}, corpusFile: null, replay: null },
    ],
  } as unknown as FuzzReport;

  function summaryWith(color: { stdout: boolean; stderr: boolean } | undefined): string {
    let stdout = '';
    createConsoleReporter({ stdout: (t) => void (stdout += t), stderr: () => {}, interactive: false, color }).finish(report);
    return stdout;
  }

  it('paints the severity and the verdict only when the stream takes colour, with the same words', () => {
    const plain = summaryWith(undefined);
    const coloured = summaryWith({ stdout: true, stderr: false });
    expect(plain).not.toMatch(ANSI);
    expect(summaryWith({ stdout: false, stderr: true })).toBe(plain);
    expect(coloured).toMatch(/\u001b\[31m\[CRITICAL\]/);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });
});
