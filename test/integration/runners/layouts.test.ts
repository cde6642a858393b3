import type { Runner } from '../../../src/runners/types.js';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessRunner } from '../../../src/runners/in-process.js';
import { createIsolatedRunner } from '../../../src/runners/worker/host.js';
import { runnerOptions } from './helpers.js';

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
  // Not yet: ['tsconfig-paths', 'src/index.ts'] — tsx reads tsconfig.json from process.cwd(), not the handler's project.
  ['top-level-await', 'src/index.ts'],
];

const layoutFile = (layout: string, handler: string): string =>
  fileURLToPath(new URL(`../../fixtures/layouts/${layout}/${handler}`, import.meta.url));

const runners = {
  isolated: (file: string): Runner => createIsolatedRunner({ workers: 1, ...runnerOptions('echo.mjs', { file, timeoutMs: 2_000 }) }),
  'in-process': (file: string): Runner => createInProcessRunner(runnerOptions('echo.mjs', { file, timeoutMs: 2_000 })),
};

describe.each(Object.entries(runners))('%s runner loads real project layouts', (_kind, create) => {
  const open: Runner[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((runner) => runner.close()));
  });

  it.each(layouts)('%s (%s)', async (layout, handler) => {
    const runner = create(layoutFile(layout, handler));
    open.push(runner);
    await runner.start();
    const record = await runner.invoke({ caseId: 'case-1', event: { amounts: [4, 5, 6] } });
    expect(record.outcome).toEqual({ kind: 'returned', value: { layout, total: 15 } });
  });
});
