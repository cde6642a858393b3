import type { Effect } from '../../../src/core/index.js';
import { FROM_EVALUATED_CODE } from '../../../src/core/index.js';
import { describe, expect, it } from 'vitest';
import { codeInjection } from '../../../src/oracles/code-injection.js';
import { fuzzCase, observation, oracleContext, returned } from '../../helpers/observation.js';

const canary = 'efzcanary00001';
const codeCase = (payload: string, payloadId = 'code-expression') => ({
  canary,
  injection: { ...fuzzCase().injection!, payloadId, family: 'code-injection', payload },
});
const expressionPayload = `(typeof efzcanary=='function'&&efzcanary('${canary}'),'${canary}'+6*7)`;
const ctx = oracleContext({ case: codeCase(expressionPayload) });
const unprobed = `unprobed-sink@${fuzzCase().injection!.point}`;
const evalEffect = (code: string, api = 'Function', callSite = '/task/pricing.js:12:9'): Effect => ({ kind: 'code-eval', api, code, callSite });
const called = (token = canary): Effect => ({ kind: 'canary', via: 'function', token, detail: `efzcanary('${token}') called from /task/pricing.js:12:30` });

describe('oracle: code-injection', () => {
  it.each<[string, readonly Effect[], unknown, readonly { confidence: string; severity: string; signature: string }[]]>([
    [
      'Function handed the payload, and the canary function ran',
      [evalEffect(`function anonymous(price\n) {\nreturn ${expressionPayload}\n}`), called()],
      { statusCode: 200 },
      [{ confidence: 'confirmed', severity: 'critical', signature: '/task/pricing.js:12:9' }],
    ],
    [
      'the canary only inside a string literal of evaluated code',
      [evalEffect(`function anonymous(\n) {\nreturn 'name: ${canary}'\n}`, 'vm.runInNewContext')],
      { statusCode: 200 },
      [{ confidence: 'tainted', severity: 'high', signature: '/task/pricing.js:12:9' }],
    ],
    [
      'a vm sink without the canary function, but the computed marker came back',
      [evalEffect(expressionPayload, 'vm.runInNewContext')],
      { statusCode: 200, body: `{"price":"${canary}42"}` },
      [{ confidence: 'confirmed', severity: 'critical', signature: '/task/pricing.js:12:9' }],
    ],
    [
      'direct eval (its argument instrumented at load) handed the payload, which never ran',
      [evalEffect(`"Hello, " + "${canary}"`, 'eval', '/task/greet.js:4:20')],
      { statusCode: 200 },
      [{ confidence: 'tainted', severity: 'high', signature: '/task/greet.js:4:20' }],
    ],
    [
      'direct eval handed the payload, and the canary function ran',
      [evalEffect(`(${expressionPayload})`, 'eval', '/task/filter.js:7:18'), called()],
      { statusCode: 200 },
      [{ confidence: 'confirmed', severity: 'critical', signature: '/task/filter.js:7:18' }],
    ],
    ['an indirect eval (not probed) ran the payload: only the canary function saw it', [called()], { statusCode: 200 }, [{ confidence: 'confirmed', severity: 'critical', signature: unprobed }]],
    ['an indirect eval computed the marker, nothing else observed', [], { statusCode: 200, body: `total ${canary}42` }, [{ confidence: 'confirmed', severity: 'critical', signature: unprobed }]],
    [
      'a vm escape: the payload made Function from evaluated code, one bug at the sink the handler called',
      [
        evalEffect(`function anonymous(price\n) {\nreturn this.constructor.constructor("return efzcanary('${canary}')")()\n}`, 'Function', '/task/pricing.js:12:9'),
        evalEffect(`function anonymous(\n) {\nreturn efzcanary('${canary}')\n}`, 'Function', `/task/pricing.js:13:40${FROM_EVALUATED_CODE}`),
        called(),
      ],
      { statusCode: 200 },
      [{ confidence: 'confirmed', severity: 'critical', signature: '/task/pricing.js:12:9' }],
    ],
    [
      'only a sink reached from evaluated code (its maker was not probed): kept, at its own site',
      [evalEffect(`return '${canary}'`, 'Function', `/task/a.js:1:1${FROM_EVALUATED_CODE}`)],
      { statusCode: 200 },
      [{ confidence: 'tainted', severity: 'high', signature: `/task/a.js:1:1${FROM_EVALUATED_CODE}` }],
    ],
    [
      'two sinks at two call sites',
      [evalEffect(`return '${canary}'`, 'Function', '/task/a.js:1:1'), evalEffect(`'${canary}'`, 'vm.Script', '/task/b.js:2:2')],
      { statusCode: 200 },
      [
        { confidence: 'tainted', severity: 'high', signature: '/task/a.js:1:1' },
        { confidence: 'tainted', severity: 'high', signature: '/task/b.js:2:2' },
      ],
    ],
  ])('reports %s', (_label, effects, value, expected) => {
    // Arrange
    const obs = observation({ effects, outcome: returned(value) });
    // Act
    const findings = codeInjection.check(obs, ctx);
    // Assert
    expect(findings.map((f) => ({ confidence: f.confidence, severity: f.severity, signature: f.signature }))).toEqual(expected);
    expect(findings.every((f) => f.oracle === 'code-injection' && !f.signature.includes(canary))).toBe(true);
  });

  it('finds the marker in logs too, and says where', () => {
    const findings = codeInjection.check(observation({ logs: ['rule result', `${canary}42`] }), ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence).toContain(`evaluated marker ${canary}42`);
    expect(findings[0]?.evidence).toContain('logs');
  });

  it.each<[string, readonly Effect[] | undefined, unknown, ReturnType<typeof oracleContext>]>([
    ['the payload reflected verbatim in the response', [], { body: `bad rule: ${expressionPayload}` }, ctx],
    ['a payload whose own text contains the marker, echoed back', [], { body: `${canary}42` }, oracleContext({ case: codeCase(`${canary}42`) })],
    ['the marker from a shell payload (command injection, not code)', [], { body: `${canary}42` }, oracleContext({ case: { canary } })],
    ['the canary function called with another case token', [called('efzother00000001')], { statusCode: 200 }, ctx],
    ['a sink handed code carrying another case token', [evalEffect("return 'efzother00000001'")], { statusCode: 200 }, ctx],
    ['a sink handed code without any canary', [evalEffect('return price * 0.9')], { statusCode: 200 }, ctx],
    ['a canary program run (that is command injection)', [{ kind: 'canary', via: 'program', token: canary, detail: `efzcanary ${canary}` }], { statusCode: 200 }, ctx],
    ['remote runner: no effects observed', undefined, { statusCode: 200 }, ctx],
  ])('stays silent for %s', (_label, effects, value, context) => {
    // Arrange
    const obs = observation({ effects, outcome: returned(value) });
    // Act
    const findings = codeInjection.check(obs, context);
    // Assert
    expect(findings).toEqual([]);
  });

  it('masks secrets in the evidence', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const context = oracleContext({ case: codeCase(expressionPayload), secrets: [{ name: 'AWS_SECRET_ACCESS_KEY', value: secret, kind: 'canary-credential' }] });
    const findings = codeInjection.check(observation({ effects: [evalEffect(`return '${canary}' + '${secret}'`), called()] }), context);
    expect(findings[0]?.evidence).not.toContain(secret);
  });
});

describe('oracle: code-injection without a probed sink', () => {
  it('keeps two eval bugs fed by two fields apart: the injection point is in the signature', () => {
    const at = (point: string) =>
      oracleContext({ case: { canary, injection: { ...fuzzCase().injection!, point, payloadId: 'code-expression', family: 'code-injection', payload: expressionPayload } } });
    const proof = observation({ effects: [{ kind: 'canary', via: 'function', token: canary, detail: `efzcanary('${canary}')` }] });
    const [note] = codeInjection.check(proof, at('Records[*].body<json>.note'));
    const [tag] = codeInjection.check(proof, at('Records[*].body<json>.tag'));
    expect(note?.signature).not.toBe(tag?.signature);
  });
});
