import { describe, expect, it } from 'vitest';
import type { FuzzCase, Observation } from '../../src/core/index.js';
import { TimingCandidates } from '../../src/engine/timing-candidates.js';
import type { TimingShape } from '../../src/engine/timing-check.js';
import { runTimingChecks, timingCostPerField } from '../../src/engine/timing-check.js';
import { observation } from '../helpers/observation.js';

// The timing check's orchestration against fake remote targets whose "durations" are computed from the payload
// text they receive: no clock, so every run is the same.

const canary = 'efztiming0000001';

function fieldCase(point: string, family = 'command-injection'): FuzzCase {
  const payload = `;echo ${canary}`;
  return { source: 'custom', event: { [point]: payload }, canary, mutators: [], injection: { point, target: point, payloadId: 'ci-semicolon', family, placement: 'replace', payload } };
}
const withPayload = (fuzzCase: FuzzCase, text: string): FuzzCase => ({ ...fuzzCase, event: { [fuzzCase.injection!.point]: text }, injection: { ...fuzzCase.injection!, payload: text } });

const shape = (id: string, family = 'command-injection'): TimingShape => ({ id, family, render: (token, seconds) => `;${id} ${seconds};: ${token}` });
const SHAPES = [shape('first'), shape('second'), shape('third'), shape('js', 'code-injection')];
const PLAN = { doses: [0.5, 1, 2], repeats: 2, maxInvocations: 100 };

/** A target whose field `vulnerable` runs shape `runs` (sleeping its dose); every other text takes 20 ms. */
function target(vulnerable: string, runs: string, extra: (text: string) => number = () => 0) {
  const sent: string[] = [];
  const invoke = async (fuzzCase: FuzzCase): Promise<Observation> => {
    const [[point, text]] = Object.entries(fuzzCase.event as Record<string, string>) as [[string, string]];
    sent.push(`${point} ${text}`);
    const dose = point === vulnerable ? new RegExp(`^;${runs} ([\\d.]+);`).exec(text)?.[1] : undefined;
    return observation({ durationMs: 20 + (dose === undefined ? 0 : Number(dose) * 1000) + extra(text), effects: undefined });
  };
  return { sent, invoke };
}

describe('runTimingChecks', () => {
  it('screens each field, and sends the dose series only where a shape slowed it down: one tainted finding there', async () => {
    const { sent, invoke } = target('b', 'second');
    const result = await runTimingChecks({ candidates: [fieldCase('a'), fieldCase('b')], shapes: SHAPES, plan: PLAN, withPayload, invoke });
    expect(result.findings.map(({ finding }) => [finding.oracle, finding.confidence, finding.signature])).toEqual([['command-injection', 'tainted', 'unprobed-sink@b']]);
    expect(result.findings[0]!.fuzzCase.injection).toMatchObject({ point: 'b', payloadId: 'second', payload: `;second 2;: ${canary}` });
    const cost = timingCostPerField(PLAN, 3);
    // Field a: a control and the three shell shapes. Field b: a control, two shapes (the second slowed it), a series.
    expect(result.invocations).toBe(cost.screening + 3 + cost.series);
    expect(sent.filter((line) => line.startsWith('a '))).toEqual([`a ;first 0;: ${canary}`, `a ;first 2;: ${canary}`, `a ;second 2;: ${canary}`, `a ;third 2;: ${canary}`]);
    expect(sent.filter((line) => line.startsWith('b ')).slice(3)).toEqual([0, 0.5, 1, 2, 2, 1, 0.5, 0].map((dose) => `b ;second ${dose};: ${canary}`));
    expect(result.findings[0]!.finding.evidence).toMatch(/sleep {4}2 s: median {3}2020 ms/);
  });

  it('a field that passes screening but not the dose series gives nothing (slow only at the largest dose)', async () => {
    const { invoke } = target('none', 'none', (text) => (/ 2;/.test(text) ? 1500 : 0));
    const result = await runTimingChecks({ candidates: [fieldCase('a')], shapes: SHAPES, plan: PLAN, withPayload, invoke });
    expect(result.findings).toEqual([]);
    expect(result.invocations).toBe(2 + 8);
  });

  it('only shapes of the case family are sent: a code-injection field gets the JavaScript shapes', async () => {
    const { sent, invoke } = target('c', 'js');
    const result = await runTimingChecks({ candidates: [fieldCase('c', 'code-injection')], shapes: SHAPES, plan: PLAN, withPayload, invoke });
    expect(result.findings.map(({ finding }) => finding.oracle)).toEqual(['code-injection']);
    expect(sent.every((line) => line.startsWith('c ;js '))).toBe(true);
  });

  it('starts a field only while the budget covers a whole check, and says how many were left', async () => {
    const { sent, invoke } = target('none', 'none');
    const perField = timingCostPerField(PLAN, 3);
    const plan = { ...PLAN, maxInvocations: perField.screening + perField.series + 3 };
    const result = await runTimingChecks({ candidates: [fieldCase('a'), fieldCase('b'), fieldCase('c')], shapes: SHAPES, plan, withPayload, invoke });
    expect(result.checked).toBe(1);
    expect(result.skipped).toBe(2);
    expect(sent.length).toBeLessThanOrEqual(plan.maxInvocations);
  });

  it('stops at the first delivery that did not happen (the cap), and on abort before sending anything', async () => {
    let calls = 0;
    const capped = await runTimingChecks({ candidates: [fieldCase('a'), fieldCase('b')], shapes: SHAPES, plan: PLAN, withPayload, invoke: async () => (++calls > 2 ? undefined : observation({ effects: undefined })) });
    expect(calls).toBe(3);
    expect(capped.findings).toEqual([]);
    const aborted = await runTimingChecks({ candidates: [fieldCase('a')], shapes: SHAPES, plan: PLAN, withPayload, signal: AbortSignal.abort(), invoke: async () => observation({ effects: undefined }) });
    expect(aborted.invocations).toBe(0);
  });
});

describe('TimingCandidates', () => {
  const remote = observation({ effects: undefined });
  it('keeps the first remote case per field and family whose oracle saw nothing, minus the fields reported later', () => {
    const candidates = new TimingCandidates();
    const first = fieldCase('a');
    candidates.observe(first, remote, []);
    candidates.observe(fieldCase('a'), remote, []);
    candidates.observe(fieldCase('b'), remote, [{ oracle: 'command-injection' }]);
    candidates.observe(fieldCase('c'), observation({ effects: [] }), []);
    candidates.observe(fieldCase('d'), observation({ effects: undefined, outcome: { kind: 'transport-error', error: { name: 'CapReachedError', message: 'cap', stack: undefined, code: undefined, isError: true } } }), []);
    candidates.observe(fieldCase('e', 'path-traversal'), remote, []);
    candidates.observe(fieldCase('f'), remote, [{ oracle: 'secret-leak' }]);
    expect(candidates.pending([]).map((c) => c.injection?.point)).toEqual(['a', 'f']);
    expect(candidates.pending([])[0]).toBe(first);
    expect(candidates.pending([{ oracle: 'command-injection', injectionPoint: 'f' }]).map((c) => c.injection?.point)).toEqual(['a']);
  });

  it('skips cases whose field cannot be rewritten (a control sent by the engine)', () => {
    const candidates = new TimingCandidates((fuzzCase) => fuzzCase.mutators.length === 0);
    candidates.observe({ ...fieldCase('a'), mutators: ['control'] }, remote, []);
    candidates.observe(fieldCase('a'), remote, []);
    expect(candidates.pending([]).map((c) => c.mutators)).toEqual([[]]);
  });
});
