import type { Runner } from '../../../src/runners/types.js';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalTarget } from '../../../src/api/local-target.js';

/**
 * Each row is a small real project under test/fixtures/layouts/: its own package.json (with or without "type"),
 * sources in the layout named, and a handler that sums `event.amounts` through another module of the project
 * (or its own dependency, or a tsconfig path). Both runners must load it and return the sum.
 */
const layouts: ReadonlyArray<readonly [layout: string, handler: string]> = [
  ['ts-no-type', 'src/index.ts'], // ESM syntax, CJS-typed package, extensionless import: the common TS Lambda layout
  ['ts-commonjs', 'src/index.ts'],
  ['ts-module', 'src/index.ts'],
  ['mts', 'src/index.mts'],
  ['cts', 'src/index.cts'],
  ['dist-cjs', 'dist/index.js'],
  ['dist-esm', 'dist/index.js'],
  ['own-deps', 'src/index.ts'], // tiny-total exists only in the fixture's own node_modules
  ['tsconfig-paths', 'src/index.ts'], // tsx reads tsconfig.json from the cwd: the task root
  ['top-level-await', 'src/index.ts'],
];

const layoutFile = (layout: string, handler: string): string =>
  fileURLToPath(new URL(`../../fixtures/layouts/${layout}/${handler}`, import.meta.url));

const start = (runner: 'isolated' | 'in-process', file: string): Promise<{ runner: Runner }> =>
  startLocalTarget({ file, exportName: 'handler', seed: 7, timeoutMs: 2_000, memoryLimitMb: 128, functionName: 'layout-fn', allowExec: false, runner, workers: 1 });

describe.each(['isolated', 'in-process'] as const)('%s runner loads real project layouts', (kind) => {
  const open: Runner[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((runner) => runner.close()));
  });

  it.each(layouts)('%s (%s)', async (layout, handler) => {
    const { runner } = await start(kind, layoutFile(layout, handler));
    open.push(runner);
    const record = await runner.invoke({ caseId: 'case-1', event: { amounts: [4, 5, 6] } });
    expect(record.outcome).toEqual({ kind: 'returned', value: { layout, total: 15 } });
  });

  it('runs the handler with its cwd at the task root (its package root) and restores the cwd after', async () => {
    const before = process.cwd();
    const root = layoutFile('cwd-template', '');
    const { runner } = await start(kind, layoutFile('cwd-template', 'src/index.ts'));
    open.push(runner);
    const record = await runner.invoke({ caseId: 'case-1', event: { amounts: [7, 8] } });
    expect(record.outcome).toEqual({ kind: 'returned', value: { layout: 'cwd-template', total: 15, receipt: 'Total: 15\n', taskRoot: root.replace(/\/$/, '') } });
    await runner.close();
    expect(process.cwd()).toBe(before);
  });

  it('prints a load failure of a TypeScript handler at its source file, relative, never as a data: URL', async () => {
    const failure = await start(kind, layoutFile('load-throws', 'src/index.ts')).then(
      () => undefined,
      (error: unknown) => error as { code: string; message: string },
    );
    expect(failure?.code).toBe('EFZ_HANDLER_LOAD_FAILED');
    expect(failure?.message).toMatch(/ENOENT/);
    // The worker's frames are source-mapped (line 4); tsx's in-process CJS frames are not, so only the file
    // (Node 20), or the file with tsx's own line (Node 24, where tsx loads it through require(esm)).
    expect(failure?.message).toMatch(kind === 'isolated' ? /\n {4}at .*\(src\/index\.ts:4\)$/ : /\n {4}at src\/index\.ts(:\d+)?$/);
    expect(failure?.message).not.toMatch(/data:|namespace=/);
  });
});
