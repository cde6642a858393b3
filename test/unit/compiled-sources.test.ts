import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledTwin, compileSources } from '../../src/compiled-sources.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A package laid out like eventfuzz: TypeScript under src/ and generators/, a payload corpus, node_modules. */
function fakePackage(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'efz-compiled-'));
  roots.push(root);
  const all: Record<string, string> = {
    'package.json': '{"name":"fake","type":"module","version":"1.2.3"}',
    'node_modules/.keep': '',
    'src/main.ts': "import { twice } from '../generators/twice.js';\nimport { readFileSync } from 'node:fs';\nconst version: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;\nconst payload = readFileSync(new URL('../payloads/one.txt', import.meta.url), 'utf8');\nexport const answer = (): string => `${twice(21)} ${version} ${payload}`;\n",
    'generators/twice.ts': 'export const twice = (n: number): number => n * 2;\n',
    'src/plain.mjs': 'export const plain = true;\n',
    'payloads/one.txt': 'echo',
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Runs `answer()` of a compiled module in a plain node, with no TypeScript loader anywhere. */
function answerOf(module: URL): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(module.href)}); process.stdout.write(m.answer());`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
}

describe('compiled sources', () => {
  it('compile TypeScript to JavaScript that plain node runs, with the data the code finds beside it', () => {
    const root = fakePackage();
    const dir = compileSources(root);
    expect(dir.startsWith(join(root, 'node_modules', '.cache', 'eventfuzz', 'sources-'))).toBe(true);
    const main = compiledTwin(root, dir, pathToFileURL(join(root, 'src/main.ts')))!;
    expect(main.href).toBe(pathToFileURL(join(dir, 'src/main.js')).href);
    expect(answerOf(main)).toBe('42 1.2.3 echo');
    // The TypeScript stays beside it (what `eventfuzz layer` bundles), and plain JavaScript is copied as it is.
    expect(readFileSync(join(dir, 'src/plain.mjs'), 'utf8')).toBe('export const plain = true;\n');
    expect(existsSync(join(dir, 'generators/twice.ts'))).toBe(true);
  });

  it('are reused while the sources are unchanged and compiled anew when one changes', () => {
    const root = fakePackage();
    const first = compileSources(root);
    writeFileSync(join(first, 'reused'), '');
    expect(compileSources(root)).toBe(first);
    expect(existsSync(join(first, 'reused'))).toBe(true);
    writeFileSync(join(root, 'generators/twice.ts'), 'export const twice = (n: number): number => n * 3;\n');
    const second = compileSources(root);
    expect(second).not.toBe(first);
    expect(answerOf(compiledTwin(root, second, pathToFileURL(join(root, 'src/main.ts')))!)).toBe('63 1.2.3 echo');
    // A payload file is part of what is compiled: a changed corpus is not served from an old copy.
    writeFileSync(join(root, 'payloads/one.txt'), 'sleep');
    expect(compileSources(root)).not.toBe(second);
  });

  it('left half-written by a run that died are compiled again, not used', () => {
    const root = fakePackage();
    const dir = compileSources(root);
    rmSync(join(dir, '.complete'));
    rmSync(join(dir, 'src/main.js'));
    expect(compileSources(root)).toBe(dir);
    expect(existsSync(join(dir, 'src/main.js'))).toBe(true);
  });

  it('are not made without node_modules (packages would not resolve from the cache), nor from code that does not compile', () => {
    const root = fakePackage();
    rmSync(join(root, 'node_modules'), { recursive: true });
    expect(() => compileSources(root)).toThrow(/node_modules/);
    const broken = fakePackage({ 'src/broken.ts': 'export const = ;\n' });
    expect(() => compileSources(broken)).toThrow();
    // Nothing half-written is left behind.
    expect(readdirSync(join(broken, 'node_modules/.cache/eventfuzz'))).toEqual([]);
  });

  it('have twins only for TypeScript files of the code folders', () => {
    const root = fakePackage();
    expect(compiledTwin(root, '/compiled', pathToFileURL(join(root, 'src/a/b.ts')))?.pathname).toBe('/compiled/src/a/b.js');
    expect(compiledTwin(root, '/compiled', pathToFileURL(join(root, 'src/plain.mjs')))).toBeUndefined();
    expect(compiledTwin(root, '/compiled', pathToFileURL(join(root, 'test/x.ts')))).toBeUndefined();
    expect(compiledTwin(root, '/compiled', pathToFileURL('/elsewhere/src/x.ts'))).toBeUndefined();
  });
});
