#!/usr/bin/env node
// The `eventfuzz` command. In the published package this file is dist/src/cli/launch.js, beside the compiled
// `bin.js`, which it loads as it is. In the repository it runs the TypeScript sources instead, also when started as
// the package's bin (dist/, the build `npm install` made): an edit to the sources then needs no rebuild. The sources
// start from their compiled twin (compiled-sources.mjs: compiled once, ~0.3 s, then cached), so no TypeScript
// loader is registered unless a user's `.ts` handler needs one; when they cannot be compiled, tsx's loader is
// registered and the sources load as they are.
import { existsSync } from 'node:fs';

const entry = await entryModule();
const { runFromProcess } = await import(entry.href);
await runFromProcess();

/** @returns {Promise<URL>} */
async function entryModule() {
  for (const source of [new URL('./bin.ts', import.meta.url), new URL('../../../src/cli/bin.ts', import.meta.url)]) {
    if (existsSync(source) && existsSync(new URL('../compiled-sources.mjs', source))) return fromSources(source);
  }
  return new URL('./bin.js', import.meta.url);
}

/** @param {URL} source */
async function fromSources(source) {
  const { compiledSourceUrl } = await import(new URL('../compiled-sources.mjs', source).href);
  const compiled = compiledSourceUrl(source);
  if (compiled !== undefined) return compiled;
  const { register } = await import('tsx/esm/api');
  register();
  return source;
}
