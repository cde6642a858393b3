#!/usr/bin/env node
// The `eventfuzz` command. In the published package this file sits in dist/ beside the compiled `bin.js`, which it
// loads as it is. In the repository it sits beside `bin.ts`: eventfuzz then runs from its TypeScript sources (no
// build step between `npm install` and use), starting from their compiled twin (compiled-sources.mjs: compiled
// once, ~0.3 s, then cached), so no TypeScript loader is registered unless a user's `.ts` handler needs one; when
// they cannot be compiled, tsx's loader is registered and the sources load as they are.
import { existsSync } from 'node:fs';

const built = new URL('./bin.js', import.meta.url);
const entry = existsSync(built) ? built : await fromSources(new URL('./bin.ts', import.meta.url));
const { runFromProcess } = await import(entry.href);
await runFromProcess();

/** @param {URL} source */
async function fromSources(source) {
  const { compiledSourceUrl } = await import('../compiled-sources.mjs');
  const compiled = compiledSourceUrl(source);
  if (compiled !== undefined) return compiled;
  const { register } = await import('tsx/esm/api');
  register();
  return source;
}
