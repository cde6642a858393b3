#!/usr/bin/env node
// The `eventfuzz` command. eventfuzz runs from its TypeScript sources (no build step between `npm install` and
// use): it starts from their compiled twin (compiled-sources.mjs: compiled once, ~0.3 s, then cached), so no
// TypeScript loader is registered unless a user's `.ts` handler needs one; when they cannot be compiled, tsx's
// loader is registered and the sources load as they are.
import { compiledSourceUrl } from '../compiled-sources.mjs';

const source = new URL('./bin.ts', import.meta.url);
const compiled = compiledSourceUrl(source);
if (compiled === undefined) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { runFromProcess } = await import((compiled ?? source).href);
await runFromProcess();
