import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { restSampleWithBody } from '../../helpers/event-fixtures.js';

// Issue 7 point 5 on handlers in the shapes other teams write: the handler appends to the payload (an extension,
// a file name under a language directory, a fixed file under a report directory), so the escaped path ends in
// `/etc/<token>/welcome.html` rather than at the token. Each vulnerable handler gives a confirmed path traversal;
// each twin (an allowlist, a resolved-path containment check, a slug check) gives nothing. 1,000 cases: at 300 the
// decode-after-check shape is missed for want of budget on its one field (issue 7 point 6), not by the oracle.
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const run = (file: string, body: unknown) =>
  fuzz({ handler: here(`../../fixtures/traversal-shapes/${file}`), samples: [restSampleWithBody(body)], categories: ['path-traversal'], runs: 1000, seed: 7 });

const shapes: readonly [string, unknown][] = [
  ['template-lang', { lang: 'en', page: 'welcome' }],
  ['decode-after-check', { name: 'invoice-2024' }],
  ['stream-dir', { report: 'q3-sales' }],
];

describe('path traversal where the handler appends to the path', () => {
  it.each(shapes)('vuln-%s.mjs: a confirmed path traversal', async (shape, body) => {
    const report = await run(`vuln-${shape}.mjs`, body);
    const traversals = report.findings.filter((f) => f.oracle === 'path-traversal');
    expect(traversals.map((f) => f.confidence)).toContain('confirmed');
  });

  it.each(shapes)('safe-%s.mjs: nothing', async (shape, body) => {
    const report = await run(`safe-${shape}.mjs`, body);
    expect(report.findings.map((f) => `${f.oracle}: ${f.title}`)).toEqual([]);
  });
});
