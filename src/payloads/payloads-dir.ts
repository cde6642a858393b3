import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../core/errors.js';
import { packageRoot } from '../package-root.js';

/**
 * The package's `payloads/` directory: the sibling of eventfuzz's `package.json`.
 * This is the only place that builds that path, so moving the corpus means changing one function.
 */
export function payloadsDir(): string {
  const root = packageRoot();
  if (root === undefined) {
    throw new HarnessError('EFZ_PAYLOAD_INVALID', `Cannot find the payload corpus: no package.json above ${fileURLToPath(import.meta.url)}. Reinstall eventfuzz.`);
  }
  return join(root, 'payloads');
}
