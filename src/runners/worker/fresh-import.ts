import type { ModuleImporter } from '../load-handler.js';
import { createRequire, register } from 'node:module';

/** How a worker imports generation N ≥ 1 of the handler: a fresh instance of its whole module graph. */
export interface FreshImport {
  readonly importer: (generation: number) => ModuleImporter;
  /** Module instances this worker may build before it retires (they cannot be unloaded). */
  readonly maxGenerations: number;
}

/**
 * A fresh instance is what a new Lambda container loads: every module of the handler's graph anew, so no state
 * survives in it or in its dependencies. ES modules: a per-generation query that `fresh-instance-hooks.mjs`
 * passes on to their imports (~1-3 ms per instance; tsx's namespaced import costs ~8 ms, growing, and does not
 * renew CommonJS). CommonJS is cached by file name whatever the URL: its cache is emptied of everything the
 * handler loaded, so `require` loads it again. Call once per worker, before the handler's first import.
 */
export function createFreshImport(): FreshImport {
  register(new URL('./fresh-instance-hooks.mjs', import.meta.url));
  const cache = createRequire(import.meta.url).cache;
  const harness = new Set(Object.keys(cache)); // what the worker itself loaded so far stays
  return {
    importer: (generation) => (url) => {
      for (const key of Object.keys(cache)) if (!harness.has(key)) delete cache[key];
      return import(`${url}${url.includes('?') ? '&' : '?'}efz-instance=${generation}`);
    },
    maxGenerations: 256,
  };
}
