import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/core/index.js';
import { builtinOracles, judge } from '../../../src/oracles/index.js';
import { fuzzCase, observation, oracleContext } from '../../helpers/observation.js';

// A delivery that did not happen (throttled, cap reached, connection refused) says nothing about the handler:
// whatever the error text carries, no oracle may turn it into a finding.
const canary = fuzzCase().canary;
const loud = [
  `${canary}42`,
  'AKIAABCDEFGHIJKLMNOP wJalrXUtnFEMIK7MDENGbPxRfiCYzzzzzzzzzzzz',
  'postgres://admin:hunter2hunter2@db.internal:5432/orders',
  'Error: boom\n    at handler (/var/task/index.js:3:9)',
].join('\n');

describe('transport errors are never findings', () => {
  it.each(['ThrottlingError', 'CapReachedError', 'ECONNREFUSED'])('%s, even carrying markers, secrets and stacks', (name) => {
    const obs: Observation = observation({
      outcome: { kind: 'transport-error', error: { name, message: loud, stack: loud, code: undefined, isError: true } },
      effects: undefined,
      instance: 'remote',
    });
    const context = oracleContext({ secrets: [{ name: 'DB_PASSWORD', value: 'hunter2hunter2', kind: 'user-secret' }] });
    expect(judge(obs, builtinOracles, { ...context, earlierCanaries: ['efzearlier000001'] })).toEqual([]);
  });
});
