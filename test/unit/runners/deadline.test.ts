import { describe, expect, it } from 'vitest';
import { cleanHandlerStack, runWithDeadline } from '../../../src/runners/deadline.js';

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

describe('cleanHandlerStack', () => {
  // What tsx's in-process CommonJS path puts in a stack: the compiled module as a data: URL, this instance's
  // namespace inside it (shortened here; real ones hold the whole module).
  const frame = (namespace: string, tail = ':2:1060)') =>
    `    at handler (data:text/javascript,__filename%3D%22%2Ftmp%2Fu%20a%2Fsrc%2Forders.ts%22%3B(()%3D%3E%7Brequire%20%3D%20require(%22node%3Amodule%22).createRequire(%22%2Ftmp%2Fu%20a%2Fsrc%2Forders.ts%3Fnamespace%3D${namespace}%22)%3B%0Avar%20x%3D1%3B%0A%7D)()%0A${tail}`;

  it('shows a tsx data: URL frame as the file it was compiled from, the same for every instance', () => {
    const first = cleanHandlerStack(`Error: boom\n${frame('ec455c47-852b')}\n    at next (/tmp/u a/node_modules/x/index.js:3:4)`);
    expect(first).toBe('Error: boom\n    at handler (/tmp/u a/src/orders.ts)\n    at next (/tmp/u a/node_modules/x/index.js:3:4)');
    expect(cleanHandlerStack(`Error: boom\n${frame('9a954a70-2658')}`)).toBe('Error: boom\n    at handler (/tmp/u a/src/orders.ts)');
  });

  it('cleans a frame cut short in the middle of its URL', () => {
    expect(cleanHandlerStack(`Error: boom\n${frame('ec455c47', '').slice(0, 200)}`)).toBe('Error: boom\n    at handler (/tmp/u a/src/orders.ts');
  });

  it('drops per-instance module queries and leaves other frames alone', () => {
    expect(cleanHandlerStack('Error: x\n    at h (file:///p/src/a.ts?tsx-namespace=123:4:5)')).toBe('Error: x\n    at h (file:///p/src/a.ts:4:5)');
    // Node 24 prints tsx's namespaced file URL with its own `?` percent-encoded.
    const node24 = 'at file:///p/src/a.ts%3Fnamespace=648770c0-e8bd-471a-be31-9cf11e225bd5?tsx-namespace=648770c0-e8bd-471a-be31-9cf11e225bd5&tsx-commonjs-virtual-query=1:2:940';
    expect(cleanHandlerStack(node24)).toBe('at file:///p/src/a.ts:2:940');
    const plain = 'Error: x\n    at h (/p/src/a.js:4:5)\n    at data:text/javascript,export%20default%201:1:1';
    expect(cleanHandlerStack(plain)).toBe(plain);
  });
});
