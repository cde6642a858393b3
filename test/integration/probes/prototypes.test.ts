import type { Effect } from '../../../src/core/index.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// The scenarios pollute built-in prototypes on purpose, so they run in a separate node process.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = 'test/fixtures/probes/proto-scenarios.ts';
const token = 'efzq7k2m9x4b1c8';
const other = 'efzzzzzzzzzzzz1';

type Report = Record<string, { result?: unknown; effects: Effect[]; after: unknown }>;

const globals = (target: string, key: string, detail: string): Effect => ({ kind: 'globals-modified', target, key, detail });

describe('prototype probe', () => {
  let report: Report;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, token, other], { cwd: root, timeout: 60_000 });
    report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report;
  }, 60_000);

  it('records nothing for an invocation that leaves prototypes alone, and keeps load-time polyfills', () => {
    expect(report['quiet']).toEqual({ result: 3, effects: [], after: 3 });
    expect(report['polyfill-kept']).toMatchObject({ result: 3, effects: [] });
  });

  it.each([
    ['merge-proto-token', globals('Object.prototype', token, `added Object.prototype.${token} = "1"`)],
    ['merge-proto-x', globals('Object.prototype', 'x', 'added Object.prototype.x = 1')],
    ['constructor-prototype', globals('Object.prototype', token, `added Object.prototype.${token} = "1"`)],
    ['merge-constructor-prototype', globals('Object.prototype', 'polluted', `added Object.prototype.polluted = "${token}"`)],
    ['hidden-addition', globals('Object.prototype', 'hidden', 'added Object.prototype.hidden = 1')],
  ])('%s: records the Object.prototype pollution and removes it', (scenario, effect) => {
    expect(report[scenario]?.effects).toEqual([effect]);
    expect(report[scenario]?.after).toBe(scenario === 'hidden-addition' ? false : null);
  });

  it('records a replaced, removed or redefined built-in and puts the original back', () => {
    expect(report['array-includes']?.effects).toEqual([
      globals('Array.prototype', 'includes', 'changed Array.prototype.includes: [function includes] → [function includes]'),
    ]);
    expect(report['array-includes']?.after).toEqual([false, true]);
    expect(report['string-trim-removed']?.effects).toEqual([globals('String.prototype', 'trim', 'removed String.prototype.trim (was [function trim])')]);
    expect(report['string-trim-removed']?.after).toEqual([true, 'a']);
    expect(report['map-size-getter']?.effects).toEqual([globals('Map.prototype', 'size', 'changed Map.prototype.size: [getter] → [getter]')]);
    expect(report['map-size-getter']?.after).toEqual([1, true]);
    expect(report['function-constructor']?.after).toEqual([true, true]);
  });

  it('restores even when the keys descriptors are made of, push and the array iterator are polluted', () => {
    expect(report['descriptor-keys']?.effects.map((e) => e.kind === 'globals-modified' && `${e.target} ${e.key}`)).toEqual([
      'Object.prototype get',
      'Object.prototype value',
      'Object.prototype writable',
      'Array.prototype push',
      'Array.prototype Symbol(Symbol.iterator)',
    ]);
    expect(report['descriptor-keys']?.after).toEqual([false, false, false, 2, 2]);
  });

  it('between invocations, undoes payload leftovers without reporting them and adopts token-free changes', () => {
    expect(report['stray-token']).toMatchObject({ effects: [], after: false });
    expect(report['stray-plain']).toMatchObject({ effects: [], after: true });
    expect(report['stray-plain-removed-between']).toMatchObject({ effects: [], after: false });
  });

  it('reports a change it cannot undo once, then accepts it', () => {
    expect(report['non-configurable']?.effects).toEqual([
      globals('Object.prototype', 'stuck', `added Object.prototype.stuck = "${token}" (could not be undone: the handler made it non-configurable)`),
    ]);
    expect(report['non-configurable-next']?.effects).toEqual([]);
  });

  it('costs a few microseconds per invocation when nothing changed', () => {
    // Whole probe window (begin + end of every probe); measured ~2.5–4.5 µs on the 2-core CI box. Loose bound.
    expect(report['timing']?.result).toBeLessThan(50);
  });
});
