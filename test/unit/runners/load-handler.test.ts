import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadHandler, parseHandlerRef } from '../../../src/runners/load-handler.js';

const fixtures = fileURLToPath(new URL('../../fixtures/handlers/', import.meta.url));
const fixture = (name: string): string => `${fixtures}${name}`;

async function loadError(file: string, exportName = 'handler'): Promise<{ code: string; message: string }> {
  const error: unknown = await loadHandler(file, exportName).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the load to fail').toBeDefined();
  return error as { code: string; message: string };
}

describe('parseHandlerRef', () => {
  it('resolves the file from cwd and defaults the export to "handler"', () => {
    expect(parseHandlerRef('src/index.ts', '/project')).toEqual({ file: '/project/src/index.ts', exportName: 'handler' });
  });

  it('takes the export after the last "#"', () => {
    expect(parseHandlerRef('./lib/a#b.mjs#main', '/p')).toEqual({ file: '/p/lib/a#b.mjs', exportName: 'main' });
    expect(parseHandlerRef('/abs/h.js#run', '/elsewhere')).toEqual({ file: '/abs/h.js', exportName: 'run' });
  });

  it("accepts Lambda's module.export notation, resolving the extension in Lambda's order, then TypeScript's", () => {
    const layouts = fileURLToPath(new URL('../../fixtures/layouts/', import.meta.url));
    expect(parseHandlerRef('src/index.handler', `${layouts}ts-no-type`)).toEqual({ file: `${layouts}ts-no-type/src/index.ts`, exportName: 'handler' });
    expect(parseHandlerRef('dist/index.handler', `${layouts}dist-esm`)).toEqual({ file: `${layouts}dist-esm/dist/index.js`, exportName: 'handler' });
    expect(parseHandlerRef('src/index.main', `${layouts}mts`)).toEqual({ file: `${layouts}mts/src/index.mts`, exportName: 'main' });
  });

  it('names every file it tried when Lambda notation matches nothing', () => {
    expect(() => parseHandlerRef('src/orders.handler', '/nowhere')).toThrow(
      expect.objectContaining({
        code: 'EFZ_HANDLER_NOT_FOUND',
        message: expect.stringContaining('Tried: /nowhere/src/orders.js, /nowhere/src/orders.mjs, /nowhere/src/orders.cjs, /nowhere/src/orders.ts, /nowhere/src/orders.mts, /nowhere/src/orders.cts.'),
      }),
    );
    expect(() => parseHandlerRef('src/orders', '/nowhere')).toThrow(expect.objectContaining({ code: 'EFZ_USAGE' }));
  });

  it('rejects an empty file or export name', () => {
    expect(() => parseHandlerRef('#handler', '/p')).toThrow(expect.objectContaining({ code: 'EFZ_USAGE' }));
    expect(() => parseHandlerRef('a.js#', '/p')).toThrow(expect.objectContaining({ code: 'EFZ_USAGE' }));
  });
});

describe('loadHandler', () => {
  it.each([
    ['echo.mjs', 'handler'],
    ['echo.cjs', 'handler'],
    ['cjs-package/echo.js', 'handler'],
    ['echo.ts', 'handler'],
    ['callback.js', 'fails'],
    ['default-export.mjs', 'handler'],
  ])('loads %s#%s as a function', async (name, exportName) => {
    expect(typeof (await loadHandler(fixture(name), exportName))).toBe('function');
  });

  it('runs a TypeScript handler', async () => {
    const handler = await loadHandler(fixture('echo.ts'), 'handler');
    await expect(handler({ a: 1 })).resolves.toEqual({ event: { a: 1 }, kind: 'ts' });
  });

  it('says which resolved path is missing', async () => {
    const error = await loadError(fixture('nope.mjs'));
    expect(error.code).toBe('EFZ_HANDLER_NOT_FOUND');
    expect(error.message).toContain(fixture('nope.mjs'));
  });

  it('lists the exports found and suggests <file>#<export>', async () => {
    const error = await loadError(fixture('no-handler-export.mjs'));
    expect(error.code).toBe('EFZ_HANDLER_NOT_FOUND');
    expect(error.message).toContain('no export "handler"');
    expect(error.message).toContain('main, notAFunction, other');
    expect(error.message).toContain('no-handler-export.mjs#main');
  });

  it('says what type a non-function export is', async () => {
    expect((await loadError(fixture('no-handler-export.mjs'), 'other')).message).toContain('is a number, not a function');
    expect((await loadError(fixture('no-handler-export.mjs'), 'notAFunction')).message).toContain('is a object, not a function');
  });

  it('reports a syntax error with its location in the handler file, not our stack', async () => {
    const error = await loadError(fixture('syntax-error.mjs'));
    expect(error.code).toBe('EFZ_HANDLER_LOAD_FAILED');
    expect(error.message).toContain("SyntaxError: Unexpected token ';'");
    expect(error.message).toContain('syntax-error.mjs:2');
    expect(error.message).not.toContain('load-handler');
    expect(error.message).not.toContain('node:internal');
  });

  it('reports an import error inside the handler with the missing package', async () => {
    const error = await loadError(fixture('import-error.mjs'));
    expect(error.code).toBe('EFZ_HANDLER_LOAD_FAILED');
    expect(error.message).toContain("Cannot find package 'eventfuzz-no-such-package-for-tests'");
    expect(error.message).toContain('import-error.mjs');
  });
});
