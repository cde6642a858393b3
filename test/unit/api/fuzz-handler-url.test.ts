import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

describe('fuzz() handler given as a file URL', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('decodes the path and the #export (checkouts have spaces in their paths)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'efz url test '));
    const file = join(dir, 'händ ler.mjs');
    cpSync(new URL('../../fixtures/handlers/echo.mjs', import.meta.url), file);
    const url = pathToFileURL(file);
    url.hash = 'handler';
    const report = await fuzz({ handler: url, source: 'sqs', runs: 5, seed: 1 });
    expect(report.target.ref).toBe(`${file}#handler`);
    expect(report.stats.runs).toBe(5);
  });

  it('rejects a URL that is not a file', async () => {
    await expect(fuzz({ handler: new URL('https://example.invalid/h.mjs'), source: 'sqs', runs: 1 })).rejects.toMatchObject({ code: 'EFZ_USAGE' });
  });
});
