import { describe, expect, it } from 'vitest';
import { stateLeak } from '../../../src/oracles/state-leak.js';
import { observation, oracleContext, returned } from '../../helpers/observation.js';

const OWN = 'efzcanary00001';
const EARLIER = 'efzearlier00001';
const OLDER = 'efzearlier00002';

describe('oracle: state-leak', () => {
  const context = (earlierCanaries?: readonly string[]) => ({ ...oracleContext({ case: { canary: OWN } }), earlierCanaries });

  it('fires when an earlier invocation canary comes back in the response body', () => {
    const obs = observation({ outcome: returned({ statusCode: 200, body: JSON.stringify({ lastUser: `user-${OLDER}` }) }) });
    const [finding, ...rest] = stateLeak.check(obs, context([EARLIER, OLDER]));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ oracle: 'state-leak', confidence: 'confirmed', severity: 'high', signature: 'response:response body' });
    expect(finding?.evidence).toContain('2 before this one');
  });

  it('says where the earlier invocation ran: the same warm instance locally, any instance of a remote target', () => {
    const body = returned({ statusCode: 200, body: `last: ${EARLIER}` });
    const [local] = stateLeak.check(observation({ outcome: body, effects: [] }), context([EARLIER]));
    const [remote] = stateLeak.check(observation({ outcome: body, effects: undefined }), { ...context([EARLIER]), remote: true });
    expect(local?.evidence).toContain('1 before this one on the same warm instance');
    expect(remote?.evidence).toContain('1 before this one to the same remote target (any of its warm instances)');
  });

  it('fires on logs too, at lower severity', () => {
    const obs = observation({ logs: [`serving cached profile ${EARLIER}`] });
    expect(stateLeak.check(obs, context([EARLIER]))).toMatchObject([{ severity: 'medium', signature: 'logs:logs' }]);
  });

  it.each([
    ['its own canary reflected back', returned({ body: `hello ${OWN}` }), [EARLIER]],
    ['a canary never seen on this instance', returned({ body: 'hello efzunrelated001' }), [EARLIER]],
    ['no earlier invocations', returned({ body: `hello ${EARLIER}` }), undefined],
    ['a clean response', returned({ statusCode: 200, body: 'ok' }), [EARLIER, OLDER]],
  ] as const)('stays silent on %s', (_label, outcome, earlier) => {
    expect(stateLeak.check(observation({ outcome }), context(earlier))).toEqual([]);
  });
});
