import type { ModuleImporter } from '../load-handler.js';
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { tsxImporter } from '../load-handler.js';

/** How a worker imports generation N ≥ 1 of the handler: a fresh instance of its whole module graph. */
export interface FreshImport {
  readonly importer: (generation: number) => ModuleImporter;
  /** Module instances this worker may build before it retires (they cannot be unloaded). */
  readonly maxGenerations: number;
}

/**
 * ES modules get a per-generation query that `fresh-instance-hooks.mjs` passes on to their imports (~1-3 ms per
 * instance, nothing accumulates but the instances); CommonJS, cached by file name, gets tsx's namespaced
 * require, which registers a loader per call (~8 ms, slower as they pile up), hence its lower limit.
 * Call once per worker, before the first import of the handler.
 */
export function createFreshImport(file: string): FreshImport {
  if (!isEsm(file)) return { importer: () => tsxImporter, maxGenerations: 64 };
  register(new URL('./fresh-instance-hooks.mjs', import.meta.url));
  return {
    importer: (generation) => (url) => import(`${url}${url.includes('?') ? '&' : '?'}efz-instance=${generation}`),
    maxGenerations: 256,
  };
}

/** Node's own rule: `.mjs`/`.mts` are ESM, `.cjs`/`.cts` CommonJS, others follow the nearest package.json `type`. */
function isEsm(file: string): boolean {
  const extension = extname(file);
  if (extension === '.mjs' || extension === '.mts') return true;
  if (extension === '.cjs' || extension === '.cts') return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const type = packageType(join(dir, 'package.json'));
    if (type !== undefined) return type === 'module';
    if (dirname(dir) === dir) return false;
  }
}

function packageType(manifest: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown };
    return typeof parsed.type === 'string' ? parsed.type : 'commonjs';
  } catch {
    return undefined; // no package.json here (or not readable): keep walking up
  }
}
