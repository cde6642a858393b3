import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { isHarnessError } from '../../src/core/index.js';
import { loadPayloads, loadTimingPayloads, renderTimingPayload } from '../../src/payloads/index.js';

// The timing payloads (payloads/timing/): loaded by the corpus loader, benign by an allowlist (a sleep of at most
// 2 s and a no-op naming the token, nothing else), and really sleeping their dose in the sink they target. The
// sleeping is observed without a clock: a stand-in `sleep` on PATH and a stand-in Atomics record what they were
// asked to wait.

const TOKEN = 'efz0123456789ab';
const timing = loadTimingPayloads();
const family = (name: string) => timing.filter((p) => p.family === name);
const scratch = mkdtempSync(join(tmpdir(), 'efz-timing-payloads-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('timing payloads', () => {
  it('are the four shell and four JavaScript twins, with ids of their own, never in the explored corpus', () => {
    expect(family('command-injection').map((p) => p.id)).toEqual(['ci-time-semicolon', 'ci-time-subshell', 'ci-time-backticks', 'ci-time-pipe']);
    expect(family('code-injection')).toHaveLength(4);
    const explored = new Set(loadPayloads().map((p) => p.id));
    expect(timing.filter((p) => explored.has(p.id))).toEqual([]);
    expect(loadPayloads().some((p) => p.template.includes('{{seconds}}'))).toBe(false);
  });

  it('render a dose in seconds, refuse one above 2 s, and refuse a timing file whose template lacks {{seconds}}', () => {
    expect(renderTimingPayload(';sleep {{seconds}};: {{token}}', TOKEN, 0.5)).toBe(`;sleep 0.5;: ${TOKEN}`);
    expect(renderTimingPayload(';sleep {{seconds}};: {{token}}', TOKEN, 0.1234)).toBe(`;sleep 0.123;: ${TOKEN}`);
    expect(renderTimingPayload(';sleep {{seconds}};: {{token}}', TOKEN, 0)).toBe(`;sleep 0;: ${TOKEN}`);
    for (const bad of [2.01, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = (() => {
        try {
          return renderTimingPayload('{{seconds}}{{token}}', TOKEN, bad);
        } catch (caught) {
          return caught;
        }
      })();
      expect(isHarnessError(error), String(bad)).toBe(true);
    }
    const dir = mkdtempSync(join(scratch, 'bad-'));
    writeFileSync(join(dir, 'command-injection.json'), JSON.stringify({ family: 'command-injection', description: 'x', payloads: [{ id: 'ci-time-x', template: ';sleep 1;: {{token}}', contexts: ['shell'], confirms: [], proves: 'x' }] }));
    expect(() => loadTimingPayloads({ dir })).toThrow(/needs \{\{seconds\}\}/);
  });

  it('are benign: a shell payload is only `sleep <dose>` and `: <token>`; a JavaScript one only Atomics.wait on its own buffer and the token', () => {
    for (const payload of family('command-injection')) {
      const text = renderTimingPayload(payload.template, TOKEN, 2);
      const rest = text.replace('sleep 2', '').replace(`: ${TOKEN}`, '');
      expect(rest, payload.id).toMatch(/^[;|`$()]*$/);
    }
    for (const payload of family('code-injection')) {
      const text = renderTimingPayload(payload.template, TOKEN, 2);
      const rest = text.replace('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,2*1e3)', '').replace(`'${TOKEN}'`, '');
      expect(rest, payload.id).toMatch(/^(?:[()'"+,;]|return )*$/);
    }
  });

  it('every shell twin runs `sleep <dose>` in the sink it targets (unquoted, and inside double quotes where it can)', () => {
    const bin = mkdtempSync(join(scratch, 'bin-'));
    const log = join(bin, 'sleeps.log');
    writeFileSync(join(bin, 'sleep'), '#!/bin/sh\necho "$*" >> "$EFZ_SLEEP_LOG"\n');
    chmodSync(join(bin, 'sleep'), 0o755);
    const sinks: Record<string, readonly ((p: string) => string)[]> = {
      'ci-time-semicolon': [(p) => `echo lookup ${p}`],
      'ci-time-subshell': [(p) => `echo lookup ${p}`, (p) => `echo "lookup ${p}"`],
      'ci-time-backticks': [(p) => `echo lookup ${p}`, (p) => `echo "lookup ${p}"`],
      'ci-time-pipe': [(p) => `echo lookup ${p}`],
    };
    for (const payload of family('command-injection')) {
      for (const sink of sinks[payload.id] ?? []) {
        writeFileSync(log, '');
        execFileSync('/bin/sh', ['-c', sink(renderTimingPayload(payload.template, TOKEN, 1.5))], { env: { PATH: `${bin}:/usr/bin:/bin`, EFZ_SLEEP_LOG: log }, stdio: 'ignore' });
        expect(readFileSync(log, 'utf8'), `${payload.id}: ${sink('<p>')}`).toBe('1.5\n');
      }
    }
    expect(Object.keys(sinks).sort()).toEqual(family('command-injection').map((p) => p.id).sort());
  });

  it('every JavaScript twin waits its dose with Atomics.wait (no busy loop) and evaluates to the token in its sink', () => {
    const sinks: Record<string, (p: string) => string> = {
      'code-time-expression': (p) => p,
      'code-time-single-quote-concat': (p) => `var x='${p}'; x`,
      'code-time-double-quote-concat': (p) => `var x="${p}"; x`,
      'code-time-function-body': (p) => `Function(${JSON.stringify(p)})()`,
    };
    for (const payload of family('code-injection')) {
      const waits: unknown[] = [];
      const Atomics = { wait: (_array: unknown, _index: unknown, _value: unknown, ms: unknown) => (waits.push(ms), 'timed-out') };
      const sink = sinks[payload.id];
      expect(sink, payload.id).toBeDefined();
      const value: unknown = runInNewContext(sink!(renderTimingPayload(payload.template, TOKEN, 1.5)), { Atomics, Int32Array, SharedArrayBuffer });
      expect(waits, payload.id).toEqual([1500]);
      expect(String(value), payload.id).toContain(TOKEN);
    }
    // The real thing at dose 0 returns at once: the zero-dose control costs no wait.
    expect(runInNewContext(renderTimingPayload(family('code-injection')[0]!.template, TOKEN, 0))).toBe(TOKEN);
  });
});
