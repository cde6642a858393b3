import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { eventFixture } from '../../helpers/event-fixtures.js';

// Issue 7 point 2, the run that was seen: a real S3 sample and the boundary payloads with lone surrogates
// (boundary-lone-high-surrogate and its siblings) made the s3-key codec throw URIError and ended the run with exit 3.
// The key cannot carry them (an S3 key is UTF-8), so those cases move on to the next payload; the run completes.
const echo = fileURLToPath(new URL('../../fixtures/handlers/echo.mjs', import.meta.url));

describe('a real S3 sample with the lone-surrogate boundary payloads', () => {
  it.each(['s3/put', 's3/put.sam-cli', 's3/delete'])('%s: every run completes, nothing reported', async (name) => {
    const report = await fuzz({ handler: echo, samples: [eventFixture(name)], categories: ['boundary'], runs: 300, seed: 3, runner: 'in-process' });
    expect(report.stats.runs).toBe(300);
    expect(report.findings.map((f) => `${f.oracle}: ${f.title}`)).toEqual([]);
  });
});
