import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FuzzCase, Observation } from '../../../src/core/index.js';
import { CANARY_PATTERN, markerOperands } from '../../../src/core/index.js';
import { runCampaign } from '../../../src/engine/campaign.js';
import { builtinOracles, judge } from '../../../src/oracles/index.js';
import { renderPayload } from '../../../src/payloads/index.js';
import type { Runner } from '../../../src/runners/types.js';

// Remote confirmation end to end through the campaign: fake remote runners (effects undefined) that evaluate the
// payload, that only reflect it, and that print the marker for every input. Only the first may give a finding,
// and only after the disarmed control (a*b -> a-b) came back without the marker.

const canary = 'efzremote000001';
const SHELL = ';echo {{token}}$(({{a}}*{{b}}))';
const JS = "'{{token}}'+{{a}}*{{b}}";

/** One case with its payload in `body`; `withPayload` writes another text into the same field. */
function remoteCase(family: string, template: string): FuzzCase {
  const payload = renderPayload(template, canary);
  return { source: 'custom', event: { body: payload }, canary, mutators: [], injection: { point: 'body', target: 'body', payloadId: `${family}-test`, family, placement: 'replace', payload } };
}
const withPayload = (fuzzCase: FuzzCase, text: string): FuzzCase => ({ ...fuzzCase, event: { body: text }, injection: { ...fuzzCase.injection!, payload: text } });

function remoteRunner(answer: (body: string) => string): Runner & { bodies: string[] } {
  const bodies: string[] = [];
  return {
    kind: 'http',
    parallelism: 1,
    bodies,
    start: async () => undefined,
    close: async () => undefined,
    invoke: async ({ caseId, event }): Promise<Observation> => {
      const body = (event as { body: string }).body;
      bodies.push(body);
      return { caseId, outcome: { kind: 'returned', value: { statusCode: 200, body: answer(body) } }, durationMs: 1, logs: [], effects: undefined, instance: 'remote' };
    },
  };
}

/** What `sh -c "echo <value>"` prints for the payload's `;echo X$((p op q))` part (arithmetic evaluated). */
const shellEvaluates = (body: string): string => body.replace(/^;echo /, '').replace(/\$\(\((\d+)([*-])(\d+)\)\)/, (_, p: string, op: string, q: string) => String(op === '*' ? Number(p) * Number(q) : Number(p) - Number(q)));
/** A handler that `eval`s the value (a string expression): benign arithmetic and string concatenation only. */
const jsEvaluates = (body: string): string => String(runInNewContext(body, {}));
const reflects = (body: string): string => `you sent: ${body}`;
/** Prints this case's marker whatever it gets: knows the token and the operands, evaluates nothing. */
const alwaysMarker = (body: string): string => {
  const token = CANARY_PATTERN.exec(body)?.[0] ?? '';
  const { a, b } = markerOperands(token);
  return `${token}${a * b}`;
};

async function campaign(fuzzCase: FuzzCase, runner: Runner) {
  return runCampaign({
    cases: fc.constant(fuzzCase),
    runner,
    judge: (observation, context) => judge(observation, builtinOracles, context),
    secrets: [],
    timeoutMs: 1000,
    seed: 3,
    runs: 1,
    withPayload,
  });
}

describe('remote command and code injection, confirmed by an evaluated marker and its negative control', () => {
  it('a target whose shell evaluates the payload: one confirmed command injection, after the control', async () => {
    const runner = remoteRunner(shellEvaluates);
    const result = await campaign(remoteCase('command-injection', SHELL), runner);
    expect(result.findings.map((f) => [f.oracle, f.confidence])).toEqual([['command-injection', 'confirmed']]);
    expect(result.findings[0]?.evidence).toContain('Negative control');
    const { a, b } = markerOperands(canary);
    expect(runner.bodies).toContain(`;echo ${canary}$((${a}-${b}))`);
    expect(result.stats.controlInvocations).toBeGreaterThanOrEqual(1);
  });

  it('a target that evaluates JavaScript: one confirmed code injection', async () => {
    const result = await campaign(remoteCase('code-injection', JS), remoteRunner(jsEvaluates));
    expect(result.findings.map((f) => [f.oracle, f.confidence])).toEqual([['code-injection', 'confirmed']]);
  });

  it.each([
    ['reflects the payload', reflects],
    ['prints the marker for every input', alwaysMarker],
  ])('nothing for a target that %s', async (_, answer) => {
    for (const [family, template] of [['command-injection', SHELL], ['code-injection', JS]] as const) {
      const result = await campaign(remoteCase(family, template), remoteRunner(answer));
      expect(result.findings).toEqual([]);
    }
  });

  it('stops spending controls on a field whose marker the control showed three times', async () => {
    const result = await runCampaign({
      cases: fc.constant(remoteCase('command-injection', SHELL)),
      runner: remoteRunner(alwaysMarker),
      judge: (observation, context) => judge(observation, builtinOracles, context),
      secrets: [],
      timeoutMs: 1000,
      seed: 3,
      runs: 10,
      withPayload,
    });
    expect(result.findings).toEqual([]);
    expect(result.stats.controlInvocations).toBe(3);
  });

  it('without a way to send the control, the marker stays only a tainted finding', async () => {
    const result = await runCampaign({
      cases: fc.constant(remoteCase('command-injection', SHELL)),
      runner: remoteRunner(shellEvaluates),
      judge: (observation, context) => judge(observation, builtinOracles, context),
      secrets: [],
      timeoutMs: 1000,
      seed: 3,
      runs: 1,
    });
    expect(result.findings.map((f) => [f.oracle, f.confidence])).toEqual([['command-injection', 'tainted']]);
    expect(result.findings[0]).not.toHaveProperty('provenByMarker');
  });
});
