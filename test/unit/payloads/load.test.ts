import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isHarnessError } from '../../../src/core/index.js';
import { loadPayloads, payloadFamilies, payloadsDir, selectPayloads } from '../../../src/payloads/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function corpusDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'efz-payloads-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const entry = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  template: ';echo {{token}}$((6*7))',
  contexts: ['shell'],
  confirms: ['command-injection'],
  proves: 'A shell ran it.',
  ...extra,
});
const file = (family: string, payloads: unknown[]): Record<string, unknown> => ({ family, description: 'Test family.', payloads });

function loadError(dir: string): { code: string; message: string } {
  try {
    loadPayloads({ dir });
  } catch (error) {
    if (isHarnessError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected loadPayloads to throw');
}

describe('loadPayloads', () => {
  it('finds the package corpus next to package.json and caches it', () => {
    expect(basename(payloadsDir())).toBe('payloads');
    expect(existsSync(join(payloadsDir(), '..', 'package.json'))).toBe(true);
    expect(loadPayloads()).toBe(loadPayloads());
    expect(Object.isFrozen(loadPayloads()[0])).toBe(true);
  });

  it('loads a directory in file order, adds the family, expands runs and skips the JSON Schema', () => {
    const dir = corpusDir({
      'b-fam.json': file('b-fam', [entry('b-one', { template: '{{token}}{{run}}!', expand: { run: { text: 'ab', times: 3 } } })]),
      'a-fam.json': file('a-fam', [entry('a-one', { json: true, template: '{"$ne":"{{token}}"}', ref: 'CWE-943' }), entry('a-two')]),
      'payload.schema.json': { not: 'a payload file' },
    });
    const payloads = loadPayloads({ dir });
    expect(payloads.map((p) => [p.family, p.id])).toEqual([['a-fam', 'a-one'], ['a-fam', 'a-two'], ['b-fam', 'b-one']]);
    expect(payloads[2]?.template).toBe('{{token}}ababab!');
    expect(payloads[2]).not.toHaveProperty('expand');
    expect(payloads[0]).toMatchObject({ json: true, ref: 'CWE-943' });
    expect(payloads[1]).not.toHaveProperty('json');
  });

  it('names the file, field and payload of a schema violation', () => {
    const dir = corpusDir({ 'bad.json': file('bad', [entry('ok-one'), entry('broken', { contexts: ['shel'] })]) });
    const error = loadError(dir);
    expect(error.code).toBe('EFZ_PAYLOAD_INVALID');
    expect(error.message).toMatch(/^.*bad\.json: payloads\[1\]\.contexts\[0\]: .*"shell".*\(payload "broken"\)/);
  });

  it('reports a missing field and a bad id', () => {
    const noProves = entry('x');
    delete noProves['proves'];
    expect(loadError(corpusDir({ 'f.json': file('f', [noProves]) })).message).toMatch(/f\.json: payloads\[0\]\.proves: /);
    expect(loadError(corpusDir({ 'f.json': file('f', [entry('Bad_Id')]) })).message).toMatch(/f\.json: payloads\[0\]\.id: .*\(payload "Bad_Id"\)/);
    expect(loadError(corpusDir({ 'f.json': file('f', [entry('x', { extra: 1 })]) })).message).toMatch(/f\.json: payloads\[0\]: .*"extra"/);
  });

  it('reports invalid JSON, a family that does not match the file name, and duplicate ids', () => {
    expect(loadError(corpusDir({ 'f.json': '{ "family": ' })).message).toMatch(/f\.json: not valid JSON: /);
    expect(loadError(corpusDir({ 'f.json': file('g', [entry('x')]) })).message).toMatch(/f\.json: family: "g" does not match the file name/);
    const dup = loadError(corpusDir({ 'a.json': file('a', [entry('same')]), 'b.json': file('b', [entry('same')]) }));
    expect(dup.message).toMatch(/b\.json: id "same" is already used in .*a\.json/);
  });

  it('rejects a json payload that does not render to JSON, and an expansion the template does not use', () => {
    const json = loadError(corpusDir({ 'f.json': file('f', [entry('j', { json: true, template: '{"$ne": {{token}}}' })]) }));
    expect(json.message).toMatch(/f\.json: payloads\[0\]\.template: "json" is true but the rendered template is not JSON/);
    const unused = loadError(corpusDir({ 'f.json': file('f', [entry('e', { expand: { runn: { text: 'a', times: 2 } } })]) }));
    expect(unused.message).toMatch(/f\.json: payloads\[0\]\.expand\.runn: \{\{runn\}\} does not occur in the template/);
    const reserved = loadError(corpusDir({ 'f.json': file('f', [entry('e', { expand: { token: { text: 'a', times: 2 } } })]) }));
    expect(reserved.message).toMatch(/f\.json: payloads\[0\]\.expand\.token: the name "token" is reserved/);
    const operand = loadError(corpusDir({ 'f.json': file('f', [entry('e', { expand: { a: { text: '1', times: 2 } } })]) }));
    expect(operand.message).toMatch(/f\.json: payloads\[0\]\.expand\.a: the name "a" is reserved for the marker operands/);
    const badName = loadError(corpusDir({ 'f.json': file('f', [entry('e', { expand: { 'Run-1': { text: 'a', times: 2 } } })]) }));
    expect(badName.message).toMatch(/f\.json: payloads\[0\]\.expand\.Run-1: Invalid key in record: .*pattern/);
  });

  it('reports an empty or missing directory', () => {
    expect(loadError(corpusDir({})).message).toMatch(/No payload files/);
    expect(loadError(join(tmpdir(), 'efz-does-not-exist-0')).message).toMatch(/Cannot read the payload directory/);
  });
});

describe('selectPayloads', () => {
  const corpus = loadPayloads();

  it('returns everything without a family and one family with it', () => {
    expect(selectPayloads(corpus)).toBe(corpus);
    const ssrf = selectPayloads(corpus, { family: 'ssrf' });
    expect(ssrf.length).toBeGreaterThan(0);
    expect(new Set(ssrf.map((p) => p.family))).toEqual(new Set(['ssrf']));
  });

  it('rejects an unknown family and lists the known ones', () => {
    let caught: unknown;
    try {
      selectPayloads(corpus, { family: 'sqli' });
    } catch (error) {
      caught = error;
    }
    expect(isHarnessError(caught)).toBe(true);
    expect((caught as { code: string }).code).toBe('EFZ_UNKNOWN_CATEGORY');
    const message = (caught as Error).message;
    expect(message).toContain('"sqli"');
    for (const family of payloadFamilies(corpus)) expect(message).toContain(family);
  });
});
