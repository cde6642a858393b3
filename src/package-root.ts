import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null | undefined;

/**
 * The directory of eventfuzz's own `package.json`: the nearest one above this module. Searched, not fixed, because
 * the same module runs from three depths: the sources (`src/`), the built package (`dist/src/`) and the compiled
 * twin of the sources (compiled-sources.mjs, which copies `package.json` beside its tree). Undefined when there is
 * none (a copy of the code without its package); callers say what that breaks.
 */
export function packageRoot(): string | undefined {
  if (cached !== undefined) return cached ?? undefined;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) {
      cached = null;
      return undefined;
    }
    dir = parent;
  }
}
