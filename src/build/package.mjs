// `npm run build` (also `prepare`, so `npm ci` in the repository and `npm pack` build it): eventfuzz's code to
// dist/, ready to publish. Plain JavaScript, because it runs before anything is compiled.
//
// 1. tsc compiles src/ and generators/ file for file (tsconfig.build.json), with declarations. Not a bundler: the
//    modules found by their URL beside each other (worker and child-process bootstraps, module hooks, the probes
//    the layer bundles) must stay separate files at their relative paths.
// 2. What is not TypeScript (the plain-JavaScript bootstraps and hooks with their declarations, the corpus entry
//    schema) is copied to the same place.
// 3. Every declaration gets a `.d.cts` twin for the `require` condition. Types are resolved in the context of the
//    file that imports them: from an ESM `.d.ts`, `import type { Arbitrary } from 'fast-check'` means fast-check's
//    ESM declarations, which a CommonJS project's `fc.assert` (typed by fast-check's CJS declarations) refuses as
//    a different class. From a `.d.cts` it means the same declarations the user's code sees.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const TREES = ['src', 'generators'];
/** This directory: tooling, not part of the package. */
const BUILD_DIR = fileURLToPath(new URL('.', import.meta.url));

rmSync(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });

for (const tree of TREES) {
  cpSync(join(ROOT, tree), join(DIST, tree), {
    recursive: true,
    filter: (path) => !path.endsWith('.ts') && !`${path}/`.startsWith(BUILD_DIR),
  });
}

let twins = 0;
for (const file of listFiles(DIST)) {
  if (!file.endsWith('.d.ts')) continue;
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), toCommonJsDeclaration(readFileSync(file, 'utf8')));
  twins++;
}
console.log(`built ${relative(ROOT, DIST)}/ (${twins} declarations, each with a .d.cts twin)`);

/** Relative module specifiers `./x.js` become `./x.cjs`, which TypeScript resolves to the `./x.d.cts` twin. */
function toCommonJsDeclaration(text) {
  return text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.\.?\/[^'"]*?)\.js\2/g, '$1$2$3.cjs$2');
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
