import { describe, expect, it } from 'vitest';
import { errorDisclosure } from '../../../src/oracles/error-disclosure.js';
import { observation, oracleContext, returned } from '../../helpers/observation.js';

const STACK = 'TypeError: Cannot read properties of undefined (reading \'id\')\n    at handler (/var/task/src/orders.js:12:31)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)';

describe('oracle: error-disclosure', () => {
  const check = (value: unknown, event: unknown = { body: 'x' }) => errorDisclosure.check(observation({ outcome: returned(value) }), oracleContext({ case: { event } }));

  it('fires on a stack trace in a JSON body, JSON-escaped as it is on the wire', () => {
    const findings = check({ statusCode: 500, body: JSON.stringify({ error: STACK }) });
    expect(findings.map((f) => f.signature)).toEqual(['stack-trace:response body', 'task-path:response body', 'runtime-error:response body']);
    expect(findings[0]).toMatchObject({ oracle: 'error-disclosure', confidence: 'confirmed', severity: 'medium' });
  });

  it('fires on a database error message in a header', () => {
    const findings = check({ statusCode: 400, headers: { 'x-error': 'error: syntax error at or near "\'"' }, body: 'bad request' });
    expect(findings).toMatchObject([{ signature: 'sql-error:response headers', severity: 'medium' }]);
  });

  it('fires on an AWS SDK error passed through', () => {
    expect(check({ statusCode: 500, body: 'AccessDeniedException: User arn:aws:sts::1:assumed-role/x is not authorized to perform: dynamodb:GetItem' })).toHaveLength(1);
  });

  it.each([
    ['a generic error', { statusCode: 500, body: JSON.stringify({ message: 'Internal server error' }) }],
    ['a validation message', { statusCode: 400, body: JSON.stringify({ message: 'orderId must be a string' }) }],
    ['ordinary data mentioning "at"', { statusCode: 200, body: 'arrives at 10:30:00 at the depot' }],
  ])('stays silent on %s', (_label, value) => {
    expect(check(value)).toEqual([]);
  });

  it('does not count what the request itself carried (reflection)', () => {
    const payload = 'TypeError: x at f (/var/task/a.js:1:2)';
    expect(check({ statusCode: 400, body: `unknown command ${payload}` }, { body: payload })).toEqual([]);
  });

  it('ignores thrown errors: Lambda answers those with a generic 502', () => {
    const obs = observation({ outcome: { kind: 'threw', error: { name: 'TypeError', message: 'x', stack: STACK, code: undefined, isError: true } } });
    expect(errorDisclosure.check(obs, oracleContext())).toEqual([]);
  });

  it('stays linear on hostile responses (long runs the patterns could backtrack on)', () => {
    const hostile = `at ${'a'.repeat(200_000)} (${'/x'.repeat(100_000)}`;
    const started = performance.now();
    check({ body: hostile });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
