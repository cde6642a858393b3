import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../core/errors.js';

let cached: string | undefined;

/**
 * The package's `payloads/` directory: the sibling of the nearest `package.json` above this module.
 * This is the only place that builds that path, so moving the corpus means changing one function.
 */
export function payloadsDir(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (cached = join(dir, 'payloads'));
    const parent = dirname(dir);
    if (parent === dir) {
      throw new HarnessError(
        'EFZ_PAYLOAD_INVALID',
        `Cannot find the payload corpus: no package.json above ${fileURLToPath(import.meta.url)}. Reinstall eventfuzz.`,
      );
    }
    dir = parent;
  }
}
