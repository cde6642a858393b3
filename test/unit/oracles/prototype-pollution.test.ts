import type { Effect } from '../../../src/core/index.js';
import { describe, expect, it } from 'vitest';
import { prototypePollution } from '../../../src/oracles/prototype-pollution.js';
import { observation, oracleContext } from '../../helpers/observation.js';

const canary = 'efzcanary00001';
const ctx = oracleContext({ case: { canary } });
const globals = (key: string, detail: string, target = 'Object.prototype'): Effect => ({ kind: 'globals-modified', target, key, detail });

describe('oracle: prototype-pollution', () => {
  it.each<[string, readonly Effect[], readonly { confidence: string; severity: string; signature: string }[]]>([
    [
      'Object.prototype gained the key named by the payload',
      [globals(canary, `added Object.prototype.${canary} = "1"`)],
      [{ confidence: 'confirmed', severity: 'high', signature: 'Object.prototype.<canary>' }],
    ],
    [
      'a fixed key whose value carries the canary',
      [globals('isAdmin', `added Object.prototype.isAdmin = "${canary}"`)],
      [{ confidence: 'confirmed', severity: 'high', signature: 'Object.prototype.isAdmin' }],
    ],
    [
      'a built-in replaced without the canary',
      [globals('includes', 'changed Array.prototype.includes: [function includes] → [function includes]', 'Array.prototype')],
      [{ confidence: 'tainted', severity: 'medium', signature: 'Array.prototype.includes' }],
    ],
    [
      'a symbol-keyed built-in replaced',
      [globals('Symbol(Symbol.iterator)', 'changed Array.prototype[Symbol(Symbol.iterator)]: [function values] → [function ]', 'Array.prototype')],
      [{ confidence: 'tainted', severity: 'medium', signature: 'Array.prototype[Symbol(Symbol.iterator)]' }],
    ],
    [
      "another case's canary: still a modified prototype, not this payload's doing",
      [globals('efzother0000001', 'added Object.prototype.efzother0000001 = "1"')],
      [{ confidence: 'tainted', severity: 'medium', signature: 'Object.prototype.<canary>' }],
    ],
    [
      'one finding per property, the confirmed one kept',
      [globals('x', 'added Object.prototype.x = 1'), globals('x', `added Object.prototype.x = "${canary}"`), globals('y', 'added Object.prototype.y = 2')],
      [
        { confidence: 'confirmed', severity: 'high', signature: 'Object.prototype.x' },
        { confidence: 'tainted', severity: 'medium', signature: 'Object.prototype.y' },
      ],
    ],
  ])('reports %s', (_label, effects, expected) => {
    // Arrange
    const obs = observation({ effects });
    // Act
    const findings = prototypePollution.check(obs, ctx);
    // Assert
    expect(findings.map((f) => ({ confidence: f.confidence, severity: f.severity, signature: f.signature }))).toEqual(expected);
    expect(findings.every((f) => f.oracle === 'prototype-pollution')).toBe(true);
  });

  it('names the key path and the change in title and evidence', () => {
    const [finding] = prototypePollution.check(observation({ effects: [globals(canary, `added Object.prototype.${canary} = "1"`)] }), ctx);
    expect(finding?.title).toBe('Prototype pollution: Object.prototype.<canary> set from the event');
    expect(finding?.evidence).toContain(`Object.prototype.${canary} was written`);
    expect(finding?.evidence).toContain(`change: added Object.prototype.${canary} = "1"`);
  });

  it.each<[string, readonly Effect[] | undefined]>([
    ['no effects at all', []],
    ['unrelated effects carrying the canary', [{ kind: 'code-eval', api: 'Function', code: `return '${canary}'`, callSite: '/task/h.js:1:1' }]],
    ['remote runner: no effects observed', undefined],
  ])('stays silent for %s', (_label, effects) => {
    // Arrange
    const obs = observation({ effects, outcome: { kind: 'returned', value: { body: `{"__proto__":{"${canary}":"1"}}` } } });
    // Act
    const findings = prototypePollution.check(obs, ctx);
    // Assert
    expect(findings).toEqual([]);
  });
});
