import { describe, expect, it } from 'vitest';
import { runWithDeadline } from '../../../src/runners/deadline.js';

const options = { limitMs: 100, waitForCallback: false };

describe('runWithDeadline', () => {
  it('resolves a returned promise, a plain value and a sync throw', async () => {
    await expect(runWithDeadline(() => Promise.resolve(1), options)).resolves.toEqual({ kind: 'returned', value: 1 });
    await expect(runWithDeadline(() => 2, options)).resolves.toEqual({ kind: 'returned', value: 2 });
    await expect(
      runWithDeadline(() => {
        throw { not: 'an error' };
      }, options),
    ).resolves.toMatchObject({ kind: 'threw', error: { isError: false } });
  });

  it('waits for the callback of a callback-style call; callback("text") is a failure', async () => {
    const call = (value: unknown, error: unknown) => (settle: (e: unknown, v?: unknown) => void) => void setTimeout(() => settle(error, value), 5);
    await expect(runWithDeadline(call('ok', null), { ...options, waitForCallback: true })).resolves.toEqual({ kind: 'returned', value: 'ok' });
    await expect(runWithDeadline(call(undefined, 'text'), { ...options, waitForCallback: true })).resolves.toMatchObject({
      kind: 'threw',
      error: { message: 'text', isError: false },
    });
  });

  it('times out, and the first completion wins', async () => {
    await expect(runWithDeadline(() => new Promise(() => {}), { ...options, limitMs: 20 })).resolves.toEqual({ kind: 'timeout', limitMs: 20 });
    await expect(
      runWithDeadline((settle) => {
        settle(null, 'callback first');
        return Promise.resolve('promise second');
      }, options),
    ).resolves.toEqual({ kind: 'returned', value: 'callback first' });
  });

  it('lets an interrupt end the call early', async () => {
    const crash = { kind: 'crashed', reason: 'exit', exitCode: 1, error: undefined } as const;
    await expect(runWithDeadline(() => new Promise(() => {}), { ...options, interrupt: (finish) => setTimeout(() => finish(crash), 5) })).resolves.toBe(crash);
  });
});
