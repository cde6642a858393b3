import { describe, expect, it } from 'vitest';
import { timeout } from '../../../src/oracles/timeout.js';
import { fuzzCase, observation, oracleContext, threw } from '../../helpers/observation.js';

const timedOut = observation({ outcome: { kind: 'timeout', limitMs: 3000 }, durationMs: 3012 });
const redosInjection = { ...fuzzCase().injection!, family: 'redos', payloadId: 'redos-nested-quantifier' };

describe('oracle: timeout', () => {
  it.each([
    ['timed out', timedOut, 1],
    ['returned in time', observation(), 0],
    ['threw', observation({ outcome: threw() }), 0],
  ])('%s', (_label, obs, expected) => {
    // Act
    const findings = timeout.check(obs, oracleContext());
    // Assert
    expect(findings).toHaveLength(expected);
  });

  it('reports a plain hang as medium with limit and duration', () => {
    const [finding] = timeout.check(timedOut, oracleContext());
    expect(finding).toMatchObject({ oracle: 'timeout', severity: 'medium', signature: 'timeout' });
    expect(finding?.title).not.toContain('ReDoS');
    expect(finding?.evidence).toContain('3000 ms');
    expect(finding?.evidence).toContain('3012 ms');
  });

  it('reports a timeout on a redos payload as a possible ReDoS, high', () => {
    const [finding] = timeout.check(timedOut, oracleContext({ case: { injection: redosInjection } }));
    expect(finding).toMatchObject({ severity: 'high', signature: 'timeout' });
    expect(finding?.title).toContain('possible ReDoS');
  });

  it('handles a case without injection', () => {
    const [finding] = timeout.check(timedOut, oracleContext({ case: { injection: null } }));
    expect(finding).toMatchObject({ severity: 'medium', signature: 'timeout' });
  });
});
