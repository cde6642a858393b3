import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FuzzCase } from '../../../src/core/index.js';
import { evaluatedMarker, markerControlPayload, markerOperands } from '../../../src/core/index.js';
import { codeInjection } from '../../../src/oracles/code-injection.js';
import { commandInjection } from '../../../src/oracles/command-injection.js';
import { renderPayload } from '../../../src/payloads/index.js';
import { fuzzCase, observation, oracleContext, returned } from '../../helpers/observation.js';

const canary = 'efzcanary00001';
const { a, b } = markerOperands(canary);
const marker = `${canary}${a * b}`;
const shellPayload = renderPayload(';echo {{token}}$(({{a}}*{{b}}))', canary);
const jsPayload = renderPayload("'{{token}}'+{{a}}*{{b}}", canary);
const caseWith = (family: string, payload: string): Partial<FuzzCase> => ({ canary, injection: { ...fuzzCase().injection!, family, payloadId: `${family}-x`, payload } });
const remote = (body: string, logs: string[] = []) => observation({ outcome: returned({ statusCode: 200, body }), logs, effects: undefined, instance: 'remote' });

describe('per-case marker operands', () => {
  it('are derived from the canary: the same for a token, different across tokens, four digits each', () => {
    expect(markerOperands(canary)).toEqual(markerOperands(canary));
    fc.assert(
      fc.property(fc.stringMatching(/^efz[a-z0-9]{12}$/), fc.stringMatching(/^efz[a-z0-9]{12}$/), (t1, t2) => {
        const o = markerOperands(t1);
        expect(o.a).toBeGreaterThanOrEqual(1000);
        expect(o.b).toBeLessThan(10_000);
        if (t1 !== t2) expect(`${t1}${o.a * o.b}`).not.toBe(`${t2}${markerOperands(t2).a * markerOperands(t2).b}`);
      }),
    );
    const distinct = new Set(Array.from({ length: 200 }, (_, i) => String(markerOperands(`efz${String(i).padStart(12, '0')}`).a * markerOperands(`efz${String(i).padStart(12, '0')}`).b)));
    expect(distinct.size).toBeGreaterThan(190);
  });

  it('renderPayload fills {{a}} and {{b}}; the rendered text never contains its own marker', () => {
    expect(shellPayload).toBe(`;echo ${canary}$((${a}*${b}))`);
    expect(shellPayload).not.toContain(marker);
    expect(renderPayload('no operands {{token}}', canary)).toBe(`no operands ${canary}`);
  });

  it('evaluatedMarker: per-case, legacy 6*7 for old corpora, nothing for text without arithmetic or carrying the marker', () => {
    expect(evaluatedMarker(shellPayload, canary)).toEqual({ marker, expression: `${a}*${b}`, legacy: false });
    expect(evaluatedMarker(`;echo ${canary}$((6*7))`, canary)).toEqual({ marker: `${canary}42`, expression: '6*7', legacy: true });
    expect(evaluatedMarker(`;efzcanary ${canary}`, canary)).toBeUndefined();
    expect(evaluatedMarker(`${shellPayload} ${marker}`, canary)).toBeUndefined();
  });

  it('the control disarms the arithmetic and nothing else', () => {
    expect(markerControlPayload(shellPayload, canary)).toBe(`;echo ${canary}$((${a}-${b}))`);
    expect(markerControlPayload(`;efzcanary ${canary}`, canary)).toBeUndefined();
  });
});

describe('remote confirmation by an evaluated marker', () => {
  it('command injection: the shell-computed marker in the response is a finding the engine must control', () => {
    const findings = commandInjection.check(remote(`done ${marker}`), oracleContext({ case: caseWith('command-injection', shellPayload) }));
    expect(findings).toMatchObject([{ oracle: 'command-injection', confidence: 'confirmed', severity: 'critical', provenByMarker: true, signature: `unprobed-sink@${fuzzCase().injection!.point}` }]);
    expect(findings[0]?.evidence).toContain(`evaluated marker ${marker}`);
  });

  it('command injection: found in the log tail too', () => {
    expect(commandInjection.check(remote('ok', ['START', marker, 'END']), oracleContext({ case: caseWith('command-injection', shellPayload) }))).toHaveLength(1);
  });

  it.each([
    ['the payload reflected', shellPayload],
    ['a constant marker (the old fixed arithmetic)', `${canary}42`],
    ['another case’s marker', `efzcanary00002${a * b}`],
    ['the control’s value', `${canary}${a - b}`],
  ])('command injection: nothing for %s', (_, body) => {
    expect(commandInjection.check(remote(body), oracleContext({ case: caseWith('command-injection', shellPayload) }))).toEqual([]);
  });

  it('command injection: locally (effects recorded) a marker without a probed shell is no proof', () => {
    const local = observation({ outcome: returned({ statusCode: 200, body: marker }), effects: [] });
    expect(commandInjection.check(local, oracleContext({ case: caseWith('command-injection', shellPayload) }))).toEqual([]);
  });

  it('command injection: a marker for a code payload is not a shell', () => {
    expect(commandInjection.check(remote(marker), oracleContext({ case: caseWith('code-injection', jsPayload) }))).toEqual([]);
  });

  it('code injection: the per-case marker, never the fixed 42 for a per-case payload', () => {
    const context = oracleContext({ case: caseWith('code-injection', jsPayload) });
    expect(codeInjection.check(remote(`{"total":"${marker}"}`), context)).toMatchObject([{ confidence: 'confirmed', provenByMarker: true }]);
    expect(codeInjection.check(remote(`{"total":"${canary}42"}`), context)).toEqual([]);
    expect(codeInjection.check(remote(jsPayload), context)).toEqual([]);
  });
});
