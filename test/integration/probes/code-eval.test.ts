import type { Effect } from '../../../src/core/index.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// The probes replace Function and node:vm for the whole realm, so they run in a separate node process.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = 'test/fixtures/probes/code-scenarios.ts';
const token = 'efzq7k2m9x4b1c8';
const CALL_SITE = /^test\/fixtures\/probes\/code-handler\.ts:\d+:\d+$/;
const FROM_EVALUATED_SITE = /^test\/fixtures\/probes\/code-handler\.ts:\d+:\d+ \(from evaluated code\)$/;

type Report = Record<string, { result?: unknown; effects: Effect[] }>;

async function runScenarios(mode: 'probes' | 'bare'): Promise<Report> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, mode, token], { cwd: root, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report;
}

const kinds = (entry: { effects: Effect[] } | undefined): string[] =>
  (entry?.effects ?? []).map((e) => (e.kind === 'code-eval' ? `code-eval:${e.api}` : e.kind === 'canary' ? `canary:${e.via}` : e.kind));

describe('code-eval probe and canary function', () => {
  let probed: Report;
  let bare: Report;

  beforeAll(async () => {
    [probed, bare] = await Promise.all([runScenarios('probes'), runScenarios('bare')]);
  }, 60_000);

  it('leaves what correct code observes unchanged: Function, instanceof, constructor identity, vm, direct eval', () => {
    const { canaryHidden, canaryShape, ...withProbes } = probed['semantics']?.result as Record<string, unknown>;
    const { canaryHidden: _h, canaryShape: _s, ...without } = bare['semantics']?.result as Record<string, unknown>;
    expect(withProbes).toEqual(without);
    expect(withProbes).toMatchObject({ newFunction: 1, callFunction: 1, instanceOf: true, constructorIdentity: true, directEvalSeesLocalScope: true });
    expect(probed['semantics']?.effects).toEqual([]);
    // The canary function exists, is callable without effect on the caller, and does not enumerate.
    expect(canaryHidden).toEqual([false, true]);
    expect(canaryShape).toEqual(['function', null]);
  });

  it.each([
    ['newFunction', ['code-eval:Function', 'canary:function'], `${token}42`],
    ['callFunction', ['code-eval:Function', 'canary:function'], 1],
    ['asyncFunction', ['code-eval:AsyncFunction', 'canary:function'], 3],
    ['runInThisContext', ['code-eval:vm.runInThisContext', 'canary:function'], `${token}42`],
    ['runInNewContext', ['code-eval:vm.runInNewContext'], `${token}42`],
    ['vmEscape', ['code-eval:vm.runInNewContext', 'code-eval:Function', 'canary:function'], `${token}42`],
    ['runInContext', ['code-eval:vm.runInContext'], 1],
    ['compileFunction', ['code-eval:vm.compileFunction', 'canary:function'], 5],
    ['script', ['code-eval:vm.Script', 'canary:function'], 6],
    ['directEval', ['code-eval:eval', 'canary:function'], `${token}42`],
    ['nodeSerialize', ['code-eval:eval', 'canary:function'], `${token}42`],
    ['literalOnly', ['code-eval:Function'], `price is ${token}`],
  ])('%s: records %j and lets the code run', (scenario, expected, result) => {
    expect(kinds(probed[scenario])).toEqual(expected);
    expect(probed[scenario]?.result).toEqual(result);
    for (const effect of probed[scenario]?.effects ?? []) {
      if (effect.kind === 'code-eval') {
        expect(effect.code).toContain(token);
        // A sink reached from evaluated code (the vm escape's Function) is marked as such; the others are not.
        const fromEvaluated = scenario === 'vmEscape' && effect.api === 'Function';
        expect(effect.callSite).toMatch(fromEvaluated ? FROM_EVALUATED_SITE : CALL_SITE);
      }
      if (effect.kind === 'canary') {
        expect(effect.token).toBe(token);
        // The canary function is always called by evaluated code: the site is the handler frame that ran it.
        expect(effect.detail).toMatch(new RegExp(`^efzcanary\\('${token}'\\) called from test/fixtures/probes/code-handler\\.ts:\\d+:\\d+ \\(from evaluated code\\)$`));
      }
    }
  });

  it('records the Function source as V8 assembles it', () => {
    const effect = probed['newFunction']?.effects[0];
    expect(effect).toMatchObject({ kind: 'code-eval', api: 'Function' });
    expect(effect?.kind === 'code-eval' && effect.code).toBe(
      `function anonymous(price\n) {\ntypeof efzcanary=='function'&&efzcanary('${token}');return '${token}'+6*7\n}`,
    );
  });

  it('records nothing outside a begin/end window, and nothing for a non-string canary argument', () => {
    expect(probed['after-stray-calls']?.effects).toEqual([]);
    expect(probed['canary-non-string']?.effects).toEqual([]);
  });
});
