import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

// Issue 7 point 5 on handlers in the shapes other teams write: the handler appends to the payload (an extension,
// more segments), validates part of it, or reads through fs/promises, a FileHandle or a stream. Each has a safe
// twin (path.basename, or a resolved-path startsWith check) that must report nothing.
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const sample = (body: unknown): unknown => ({
  ...(JSON.parse(readFileSync(here('../../../examples/07-apigw-path-traversal/event.json'), 'utf8')) as Record<string, unknown>),
  body: JSON.stringify(body),
});
const run = (file: string, body: unknown, runs: number) =>
  fuzz({ handler: here(`../../fixtures/path-shapes/${file}`), samples: [sample(body)], categories: ['path-traversal'], runs, seed: 7 });

const shapes = [
  // [vulnerable, safe twin, sample body, the field the payload must be in, what the resolved path looks like, runs].
  // The '..'-check-then-decode shape lets only the %2e%2e%2f payload through (1 of the ~15 path payloads), at one of
  // the sample's many points: 300 runs miss it with this seed, 1,500 find it (issue 7 point 6 is about that budget).
  ['vuln-extension-appended.mjs', 'safe-extension-appended.mjs', { page: 'getting-started' }, 'body<json>.page', /resolved: \/etc\/efz[a-z0-9]{12}[^/\n]*\.html/, 300],
  ['vuln-lang-template.cjs', 'safe-lang-template.cjs', { lang: 'en', template: 'welcome' }, 'body<json>.lang', /resolved: \/etc\/efz[a-z0-9]{12}[^/\n]*\/welcome\.html/, 300],
  ['vuln-dotdot-then-decode.mjs', 'safe-dotdot-then-decode.mjs', { file: 'invoice-2024-03.pdf' }, 'body<json>.file', /resolved: \/etc\/efz[a-z0-9]{12}/, 1500],
  ['vuln-promises-filehandle.mjs', 'safe-promises-filehandle.mjs', { userId: 'u-1842' }, 'body<json>.userId', /resolved: \/etc\/efz[a-z0-9]{12}[^/\n]*\/avatar\.png/, 300],
] as const;

describe('path traversal wherever the handler appends', () => {
  it.each(shapes)('%s: confirmed at the field, once', async (vulnerable, _safe, body, point, resolved, runs) => {
    const report = await run(vulnerable, body, runs);
    const confirmed = report.findings.filter((f) => f.oracle === 'path-traversal' && f.confidence === 'confirmed');
    expect(confirmed.map((f) => f.injectionPoint)).toEqual([point]);
    expect(confirmed[0]!.evidence).toMatch(resolved);
  });

  it.each(shapes)('%s: its safe twin %s reports nothing, from any oracle', async (_vulnerable, safe, body, _point, _resolved, runs) => {
    const report = await run(safe, body, runs);
    expect(report.stats.runs).toBe(runs);
    expect(report.findings.map((f) => `${f.oracle}/${f.confidence}: ${f.evidence}`)).toEqual([]);
  });
});
