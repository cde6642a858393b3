import type { Payload } from '../../../src/payloads/index.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANARY_PATTERN, markerOperands } from '../../../src/core/index.js';
import { loadPayloads, payloadFamilies, renderPayload } from '../../../src/payloads/index.js';

/** The stable oracle ids of DESIGN.md. Kept here on purpose: the loader stays independent of src/oracles. */
const ORACLE_IDS = [
  'crash',
  'timeout',
  'secret-leak',
  'command-injection',
  'code-injection',
  'path-traversal',
  'prototype-pollution',
  'ssrf',
  'state-leak',
  'error-disclosure',
] as const;

const FAMILIES = [
  'boundary',
  'code-injection',
  'command-injection',
  'format-string',
  'log-injection',
  'nosql-injection',
  'path-traversal',
  'prototype-pollution',
  'redos',
  'sql-injection',
  'ssrf',
  'template-injection',
  'xss',
  'xxe',
];

const TOKEN = 'efz0123456789ab';
const corpus = loadPayloads();
const injections = corpus.filter((p) => p.family !== 'boundary');
const byId = (payloads: readonly Payload[]): string[] => payloads.map((p) => p.id);

describe('payload corpus', () => {
  it('loads every family, each with a sensible number of payloads', () => {
    expect(payloadFamilies(corpus)).toEqual(FAMILIES);
    for (const family of FAMILIES) {
      const count = corpus.filter((p) => p.family === family).length;
      expect(count, family).toBeGreaterThanOrEqual(6);
      // Boundary values are many small probes (empty, 0, -1, surrogates…) and code injection spans the most sink
      // contexts (expressions, statements, braces, deserialisers): 24 at most, boundary 26 with its re-typed JSON values;
      // every other family stays focused.
      expect(count, family).toBeLessThanOrEqual(family === 'boundary' ? 26 : family === 'code-injection' ? 24 : 20);
    }
  });

  it('uses ids that are unique across the corpus', () => {
    const ids = byId(corpus);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('confirms only known oracle ids', () => {
    const known = new Set<string>(ORACLE_IDS);
    const unknown = corpus.flatMap((p) => p.confirms.filter((id) => !known.has(id)).map((id) => `${p.id}: ${id}`));
    expect(unknown).toEqual([]);
  });

  it('states what every payload proves in one sentence', () => {
    const bad = corpus.filter((p) => !/^[A-Z].*\.$/s.test(p.proves) || p.proves.split(/\.\s+[A-Z]/).length > 2);
    expect(byId(bad)).toEqual([]);
  });

  it('puts {{token}} in every injection payload (token-less JSON operators say so in proves)', () => {
    const missing = injections.filter((p) => !p.template.includes('{{token}}') && !(p.json === true && p.proves.includes('carries no token')));
    expect(byId(missing)).toEqual([]);
  });

  it('renders a canary that probes recognise', () => {
    for (const p of injections.filter((x) => x.template.includes('{{token}}'))) {
      expect(renderPayload(p.template, TOKEN), p.id).toMatch(CANARY_PATTERN);
      expect(renderPayload(p.template, TOKEN), p.id).not.toContain('{{token}}');
    }
  });

  it('renders json payloads to JSON values', () => {
    const json = corpus.filter((p) => p.json === true);
    expect(json.length).toBeGreaterThan(0);
    for (const p of json) expect(() => JSON.parse(renderPayload(p.template, TOKEN)), p.id).not.toThrow();
  });

  it('never contains its own evidence: reflection of the text is not an evaluated marker', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{12}$/), (suffix) => {
        const token = `efz${suffix}`;
        for (const p of corpus) {
          const rendered = renderPayload(p.template, token);
          const { a, b } = markerOperands(token);
          for (const marker of [`${token}42`, `${token}49`, `${token}${a * b}`]) {
            if (rendered.includes(marker)) throw new Error(`${p.id} already contains ${marker}`);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('gives every execution payload evidence that only evaluation produces', () => {
    const shell = corpus.filter((p) => p.family === 'command-injection');
    expect(byId(shell.filter((p) => !/\$\(\(\{\{a\}\}\*\{\{b\}\}\)\)|\befzcanary \{\{token\}\}|\bsleep \d/.test(p.template)))).toEqual([]);
    const js = corpus.filter((p) => p.family === 'code-injection' || p.family === 'template-injection');
    expect(byId(js.filter((p) => !/\{\{a\}\}\*\{\{b\}\}|6\*7|efzcanary\('\{\{token\}\}'\)|}}42|Date\.now/.test(p.template)))).toEqual([]);
  });

  it('guards every canary-function call so it cannot throw where the function is absent', () => {
    const unguarded = corpus.filter((p) => {
      const calls = p.template.match(/efzcanary\(/g)?.length ?? 0;
      const guards = p.template.match(/typeof efzcanary=='function'&&efzcanary\(|globalThis\.efzcanary&&efzcanary\(/g)?.length ?? 0;
      return calls !== guards;
    });
    expect(byId(unguarded)).toEqual([]);
  });

  it('covers the command-injection forms the design asks for', () => {
    const templates = corpus.filter((p) => p.family === 'command-injection').map((p) => p.template);
    for (const form of [';', '&& ', '|| ', '| ', '& ', '\n', '$(', '`', "'; ", '"; ', '${IFS}', 'efzcanary {{token}}']) {
      expect(templates.some((t) => t.includes(form)), JSON.stringify(form)).toBe(true);
    }
    expect(templates.some((t) => t.startsWith('echo ')), 'a form without a separator').toBe(true);
  });

  it('puts the canonical payload first in each family (its shrink target)', () => {
    const first = FAMILIES.map((f) => corpus.find((p) => p.family === f)?.id);
    expect(first).toEqual([
      'boundary-empty',
      'code-expression',
      'ci-canary-semicolon',
      'fmt-percent-s',
      'log-lf',
      'nosql-ne-token',
      'pt-dotdot',
      'pp-proto-json',
      'redos-nested-quantifier',
      'sqli-single-quote',
      'ssrf-metadata',
      'ssti-double-curly',
      'xss-tag',
      'xxe-file',
    ]);
  });
});
