import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const fromRoot = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

export default defineConfig({
  root,
  resolve: {
    // Examples import the package by its public name, exactly as users do; point those names at the source.
    alias: [
      { find: /^eventfuzz\/generators$/, replacement: fromRoot('generators/index.ts') },
      { find: /^eventfuzz\/vitest$/, replacement: fromRoot('src/vitest/index.ts') },
      { find: /^eventfuzz$/, replacement: fromRoot('src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // The packed-tarball test packs and installs: `npm run test:package` (vitest.package.config.ts) runs it.
    exclude: ['**/node_modules/**', 'test/package/**'],
    setupFiles: [fromRoot('test/setup.ts')],
    testTimeout: 30_000,
    pool: 'forks',
    // Three files at a time even on 2 cores (vitest's default is cores - 1): most tests wait on deadlines, hangs
    // and child processes rather than compute. On 2 cores: one at a time ~5 minutes, two 290 s, three 247 s.
    maxWorkers: 3,
  },
});
