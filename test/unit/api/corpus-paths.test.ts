import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

// The run moves the process to the handler's task root; saved findings are still shown relative to where the
// user ran eventfuzz from, as `replay` would be typed there.
it('shows corpus files relative to the caller, not to the task root the run moved to', async () => {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'efz-corpus-')));
  const handler = fileURLToPath(new URL('../../../examples/02-s3-command-injection/handler.mjs', import.meta.url));
  const report = await fuzz({ handler, source: 's3', seed: 1, runs: 200, categories: ['command-injection'], corpusDir: 'corpus', cwd });
  const files = report.findings.map((f) => f.corpusFile);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    expect(file).toMatch(/^corpus\/s3\/command-injection-[0-9a-f]+\.json$/);
    expect(existsSync(join(cwd, file!))).toBe(true);
  }
});
