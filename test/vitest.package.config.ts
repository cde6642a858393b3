// `npm run test:package`: the packed-tarball test alone (test/package), which `npm test` leaves out because it
// packs and installs (about a minute). CI runs both.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: { include: ['test/package/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 240_000, pool: 'forks', fileParallelism: false },
});
