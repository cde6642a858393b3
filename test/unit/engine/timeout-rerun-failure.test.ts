import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, Observation } from '../../../src/core/index.js';
import { runCampaign } from '../../../src/engine/campaign.js';
import type { Runner } from '../../../src/runners/types.js';
import { fuzzCase, observation } from '../../helpers/observation.js';

// A timeout is re-run before it is saved. When the runner itself fails during that re-run (a hung worker that
// cannot be rebuilt), the re-run proves nothing either way: the timeout must be kept (unconfirmed), not dropped.
const timedOut: Observation = observation({ outcome: { kind: 'timeout', limitMs: 50 } });
const timeoutFinding: Finding = { oracle: 'timeout', confidence: 'confirmed', severity: 'medium', title: 'Timed out', evidence: 'no answer within 50 ms', signature: 'timeout' };

function runnerFailingFrom(invocation: number): Runner {
  let calls = 0;
  return {
    kind: 'in-process',
    parallelism: 1,
    start: async () => undefined,
    close: async () => undefined,
    invoke: async () => {
      if (++calls >= invocation) throw new Error('the replacement worker could not load the handler');
      return timedOut;
    },
  };
}

describe('campaign: a timeout whose re-run the runner could not make', () => {
  it('keeps the timeout, marked unconfirmed, and reports the runner failure', async () => {
    const result = await runCampaign({
      cases: fc.constant(fuzzCase()),
      runner: runnerFailingFrom(2),
      judge: (obs) => (obs.outcome.kind === 'timeout' ? [timeoutFinding] : []),
      secrets: [],
      timeoutMs: 50,
      seed: 1,
      runs: 1,
    });
    expect(result.failure).toContain('could not load the handler');
    expect(result.findings.map((f) => f.oracle)).toEqual(['timeout']);
    expect(result.findings[0]?.evidence).toContain('unconfirmed');
  });
});
