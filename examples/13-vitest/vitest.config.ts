// A config of this example alone (so `vitest run --config` here does not pick up eventfuzz's own suite).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fromRoot = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: [
      { find: /^eventfuzz\/vitest$/, replacement: fromRoot('src/vitest/index.ts') },
      { find: /^eventfuzz$/, replacement: fromRoot('src/index.ts') },
    ],
  },
  test: { include: ['*.fuzz.test.ts'], testTimeout: 60_000 },
});
