import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { restSampleWithBody } from '../../helpers/event-fixtures.js';

// Issue 7 point 6: code-injection payloads fit the contexts real sinks have (brace, statement and literal
// contexts; a field a deserializer revives whole; a YAML `!!js/function` tag), and safe twins report nothing.
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const run = (file: string, body: unknown) =>
  fuzz({ handler: here(`../../fixtures/code-shapes/${file}`), samples: [restSampleWithBody(body)], categories: ['code-injection'], runs: 2000, seed: 11 });
const described = (f: { oracle: string; confidence: string; payloadId: string | null }): string => `${f.oracle} ${f.confidence} ${f.payloadId ?? '-'}`;

describe('code-injection payloads in the contexts real sinks have', () => {
  it.each([
    ['vuln-function-braces.mjs', { opt: 'beta: true' }, ['code-brace-statement']],
    ['vuln-vm-array.mjs', { ids: '1, 2' }, ['code-expression', 'code-iife', 'code-eval-json', 'code-vm-escape', 'code-array-literal-breakout']],
    ['vuln-function-callback.mjs', { callback: 'function (x) { return x; }' }, ['code-expression', 'code-function-statement', 'code-iife', 'code-numeric-statement']],
    ['vuln-template-literal.mjs', { text: 'Hello' }, ['code-backtick-concat', 'code-backtick-statement', 'code-template-interpolation', 'code-template-interpolation-canary']],
    ['vuln-node-serialize-field.mjs', { theme: 'dark' }, ['code-node-serialize-raw']],
    ['vuln-yaml-config.mjs', { config: '{name: "ada"}' }, ['code-yaml-js-function']],
  ])('%s: a confirmed code injection by a payload that fits its context', async (file, body, fitting) => {
    const report = await run(file, body);
    const confirmed = report.findings.filter((f) => f.oracle === 'code-injection' && f.confidence === 'confirmed');
    expect(confirmed.map(described)).not.toEqual([]);
    expect(confirmed.every((f) => fitting.includes(f.payloadId ?? '')), report.findings.map(described).join('\n')).toBe(true);
  });

  it('vuln-vm-object.mjs: the object-literal breakout reaches vm.runInNewContext as code (tainted: no canary in a new context)', async () => {
    const report = await run('vuln-vm-object.mjs', { limit: '10' });
    const injections = report.findings.filter((f) => f.oracle === 'code-injection');
    expect(injections.map(described)).not.toEqual([]);
    expect(injections[0]?.title).toContain('vm.runInNewContext');
  });

  it.each([
    ['safe-function-braces.mjs', { opt: 'beta: true' }],
    ['safe-vm-object.mjs', { limit: '10' }],
    ['safe-template-literal.mjs', { text: 'Hello', callback: 'function (x) { return x; }' }],
    ['safe-node-serialize-field.mjs', { theme: 'dark' }],
    ['safe-yaml-config.mjs', { config: '{name: "ada"}' }],
  ])('%s (safe twin) reports nothing', async (file, body) => {
    const report = await run(file, body);
    expect(report.findings.map((f) => `${f.oracle}: ${f.title}`)).toEqual([]);
  });
});
