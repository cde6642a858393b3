import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLambdaContext } from '../../../src/runners/lambda-context.js';

describe('createLambdaContext', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('looks like the context the Node.js runtime passes', () => {
    const context = createLambdaContext({ functionName: 'orders', memoryLimitMb: 512, timeoutMs: 3000, region: 'eu-west-1', accountId: '111122223333' });
    expect(context).toMatchObject({
      functionName: 'orders',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:orders',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/orders',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.awsRequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('gives every invocation its own request id, unless one is passed', () => {
    const make = (requestId?: string) =>
      createLambdaContext({ functionName: 'f', memoryLimitMb: 128, timeoutMs: 1000, ...(requestId === undefined ? {} : { requestId }) });
    expect(make().awsRequestId).not.toBe(make().awsRequestId);
    expect(make('fixed').awsRequestId).toBe('fixed');
  });

  it('counts getRemainingTimeInMillis down from the deadline, never below zero', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    // safeDateNow is captured at import, before the fake clock: the context must still follow the real time.
    const context = createLambdaContext({ functionName: 'f', memoryLimitMb: 128, timeoutMs: 200 });
    const first = context.getRemainingTimeInMillis();
    expect(first).toBeGreaterThan(150);
    expect(first).toBeLessThanOrEqual(200);
    vi.useRealTimers();
    const start = Date.now();
    while (Date.now() - start < 30) {
      // let real time pass
    }
    expect(context.getRemainingTimeInMillis()).toBeLessThan(first);
  });

  it('routes the deprecated done/succeed/fail to onDone', () => {
    const onDone = vi.fn();
    const context = createLambdaContext({ functionName: 'f', memoryLimitMb: 128, timeoutMs: 1000, onDone });
    context.succeed({ ok: true });
    context.fail('bad');
    const error = new Error('x');
    context.done(error);
    context.done(undefined, 7);
    expect(onDone.mock.calls).toEqual([[null, { ok: true }], ['bad', undefined], [error, undefined], [null, 7]]);
  });

  it('accepts done/succeed/fail without onDone', () => {
    const context = createLambdaContext({ functionName: 'f', memoryLimitMb: 128, timeoutMs: 1000 });
    expect(() => context.succeed('ok')).not.toThrow();
  });
});
