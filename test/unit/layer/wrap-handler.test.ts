import { describe, expect, it } from 'vitest';
import type { LayerRequest } from '../../../src/layer/protocol.js';
import type { LayerWindow } from '../../../src/layer/wrap-handler.js';
import { wrapExport, wrapHandler } from '../../../src/layer/wrap-handler.js';

const marked = { clientContext: { custom: { eventfuzz: { v: 1, nonce: 'nonce-123456', allowExec: false } } } };

function recordingWindow(): LayerWindow & { readonly calls: string[] } {
  const calls: string[] = [];
  let open = false;
  return {
    calls,
    begin(request: LayerRequest, event: unknown) {
      open = true;
      calls.push(`begin ${request.nonce} ${JSON.stringify(event)}`);
    },
    end() {
      if (!open) return;
      open = false;
      calls.push('end');
    },
  };
}

describe('wrapHandler', () => {
  it('passes an unmarked invocation straight through: no window, same this, same arguments', async () => {
    const window = recordingWindow();
    const self = { name: 'receiver' };
    const wrapped = wrapHandler(function (this: unknown, event: unknown) {
      return Promise.resolve({ self: this, event });
    } as never, window);
    await expect(wrapped.call(self, { a: 1 }, { awsRequestId: 'r' })).resolves.toEqual({ self, event: { a: 1 } });
    expect(window.calls).toEqual([]);
  });

  it('runs a marked async handler inside the window, closed once it settles, resolved or rejected', async () => {
    const window = recordingWindow();
    const order: string[] = window.calls;
    const ok = wrapHandler((async () => {
      order.push('handler');
      return 'done';
    }) as never, window);
    await expect(ok({ id: 1 }, marked)).resolves.toBe('done');
    const failing = wrapHandler((async () => {
      throw new Error('boom');
    }) as never, window);
    await expect(failing({ id: 2 }, marked)).rejects.toThrow('boom');
    expect(order).toEqual(['begin nonce-123456 {"id":1}', 'handler', 'end', 'begin nonce-123456 {"id":2}', 'end']);
  });

  it('closes the window on a synchronous throw, and before a callback handler calls back', () => {
    const window = recordingWindow();
    const throwing = wrapHandler((() => {
      throw new TypeError('sync');
    }) as never, window);
    expect(() => throwing({}, marked)).toThrow('sync');
    let seenAtCallback: string[] = [];
    const callbackStyle = wrapHandler(((_event: unknown, _context: unknown, callback: (error: unknown, value: unknown) => void) => {
      setImmediate(() => callback(null, 'ok'));
    }) as never, window);
    return new Promise<void>((resolve) => {
      callbackStyle({}, marked, (error: unknown, value: unknown) => {
        seenAtCallback = [...window.calls];
        expect([error, value]).toEqual([null, 'ok']);
        resolve();
      });
    }).then(() => expect(seenAtCallback).toEqual(['begin nonce-123456 {}', 'end', 'begin nonce-123456 {}', 'end']));
  });

  it("keeps the handler's arity and name: runtimes and middlewares tell callback handlers by their length", () => {
    const window = recordingWindow();
    function orders(_e: unknown, _c: unknown, _cb: unknown): void {}
    const wrapped = wrapHandler(orders as never, window);
    expect([wrapped.length, wrapped.name]).toEqual([3, 'orders']);
  });
});

describe('wrapExport', () => {
  it("hands back a copy when the module's exports are read-only getters (esbuild's CommonJS), other exports kept", async () => {
    const window = recordingWindow();
    const exports = {};
    const handler = async () => 'original';
    Object.defineProperty(exports, 'handler', { get: () => handler, enumerable: true });
    Object.defineProperty(exports, 'VERSION', { get: () => '1.2.3', enumerable: true });
    const copy = wrapExport(exports, ['handler'], window) as { handler: (e: unknown, c: unknown) => Promise<string>; VERSION: string };
    expect(copy).not.toBe(exports);
    expect(copy.VERSION).toBe('1.2.3');
    await expect(copy.handler({}, marked)).resolves.toBe('original');
    expect(window.calls).toEqual(['begin nonce-123456 {}', 'end']);
  });

  it('follows a nested export path, and leaves exports alone when the path does not lead to a function', () => {
    const window = recordingWindow();
    const module = { handlers: { create: () => 'created', list: () => 'listed' } };
    const copy = wrapExport(module, ['handlers', 'create'], window) as typeof module;
    expect(copy.handlers.create).not.toBe(module.handlers.create);
    expect(copy.handlers.list).toBe(module.handlers.list);
    expect(module.handlers.create()).toBe('created');
    for (const path of [['missing'], ['handlers', 'nope'], ['handlers', 'create', 'deeper']]) expect(wrapExport(module, path, window)).toBe(module);
  });
});
