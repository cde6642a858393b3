import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The import direction of STYLE.md, enforced: each module imports only the modules below it, so the graph has
 * no cycles and the pure parts stay pure (oracles never reach probes, runners or I/O of the project; probes run
 * in the handler's realm and know only the core vocabulary). A path ending in `/` allows the whole folder; a
 * file path allows just that file (type-only contracts).
 */
const rules: Record<string, readonly string[]> = {
  'src/core/': [],
  // The payload corpus ships beside eventfuzz's package.json, found wherever the code runs from.
  'src/payloads/': ['src/core/', 'src/package-root.ts'],
  'src/probes/': ['src/core/'],
  'src/oracles/': ['src/core/'],
  'src/corpus/': ['src/core/'],
  'generators/': ['src/core/', 'src/payloads/'],
  // The in-function probes of `eventfuzz layer` (bundled into a zip) and their wire protocol with the Lambda runner.
  'src/layer/': ['src/core/', 'src/probes/', 'src/version.ts'],
  'src/runners/': ['src/core/', 'src/probes/', 'src/compiled-sources.mjs', 'src/oracles/types.ts', 'src/layer/protocol.ts'],
  'src/engine/': ['src/core/', 'src/corpus/', 'src/oracles/types.ts', 'src/runners/types.ts'],
  // The oracle registry (pure) gives SARIF one rule per built-in oracle, with its CWE and help.
  'src/reporters/': ['src/core/', 'src/engine/types.ts', 'src/api/report.ts', 'src/api/baseline.ts', 'src/oracles/redact.ts', 'src/oracles/index.ts', 'src/oracles/types.ts'],
  // Composition roots: they choose concrete generators, runners and oracles. They do not import each other.
  'src/api/': ['src/core/', 'src/payloads/', 'generators/', 'src/runners/', 'src/oracles/', 'src/corpus/', 'src/engine/', 'src/layer/', 'src/version.ts'],
  // The config file and `init` (src/config/init: reads a project's SAM / serverless / CDK files and writes a
  // config the config schema accepts): validation needs the source ids of the generators' registry.
  'src/config/': ['src/core/', 'generators/'],
  'src/vitest/': ['src/core/', 'src/api/'],
  // `npm run build`: tooling that runs before anything is compiled, importing none of the code it builds.
  'src/build/': [],
  'src/cli/': ['src/core/', 'src/compiled-sources.mjs', 'src/payloads/', 'generators/', 'src/api/', 'src/config/', 'src/reporters/', 'src/version.ts'],
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Repository-relative targets of a file's relative imports (`.js` specifiers name the `.ts` sources). */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = relative(root, resolve(root, dirname(file), match[1]!)).replace(/\.js$/, '.ts');
    targets.push(target);
  }
  return targets;
}

describe('architecture', () => {
  it.each(Object.entries(rules))('%s imports only what it is allowed to', (dir, allowed) => {
    const violations: string[] = [];
    for (const file of sourceFiles(dir)) {
      for (const target of relativeImports(file)) {
        const ok = [dir, ...allowed].some((prefix) => (prefix.endsWith('/') ? target.startsWith(prefix) : target === prefix));
        if (!ok) violations.push(`${file} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('sees static, type-only, side-effect and dynamic imports (so an empty scan cannot pass silently)', () => {
    expect(relativeImports('src/engine/campaign.ts')).toContain('src/engine/shrink.ts');
    expect(relativeImports('src/runners/in-process.ts')).toContain('src/core/safe-globals.ts');
    expect(relativeImports('src/runners/probe-hooks.ts')).toContain('src/probes/index.ts');
  });

  it('every source folder has a rule', () => {
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `src/${e.name}/`);
    for (const folder of folders) expect(Object.keys(rules)).toContain(folder);
  });
  it('the main entry never reaches vitest (an optional peer dependency): only eventfuzz/vitest imports it', () => {
    const seen = new Set<string>();
    const reachesVitest: string[] = [];
    const walk = (file: string): void => {
      if (seen.has(file) || !existsSync(join(root, file))) return;
      seen.add(file);
      if (/from\s+'vitest(?:\/[^']*)?'|import\s*\(?\s*'vitest/.test(readFileSync(join(root, file), 'utf8'))) reachesVitest.push(file);
      for (const target of relativeImports(file)) walk(target);
    };
    walk('src/index.ts');
    expect(seen.size).toBeGreaterThan(10);
    expect(reachesVitest).toEqual([]);
    walk('src/vitest/index.ts');
    expect(reachesVitest).toEqual(['src/vitest/index.ts']);
  });

  it('no source, test or benchmark reads the shared workspace outside the repository: CI clones the repository alone', () => {
    // Spelled in pieces so this file does not match itself.
    const outside = new RegExp(['\\.\\./', 'shared/', '|/work/', 'shared'].join(''));
    const readers = ['src', 'generators', 'test', 'bench'].flatMap((dir) => sourceFiles(dir)).filter((file) => {
      const code = readFileSync(join(root, file), 'utf8').split('\n').filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line));
      return code.some((line) => outside.test(line));
    });
    expect(readers).toEqual([]);
  });
});
