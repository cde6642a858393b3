import type { BuiltLayer } from '../layer/build.js';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { HarnessError } from '../core/index.js';
import { buildLayer } from '../layer/build.js';

export type { BuiltLayer } from '../layer/build.js';
export { buildLayer, LAYER_LOADER_PATH, LAYER_NODE_OPTIONS } from '../layer/build.js';

/**
 * Builds `eventfuzz layer`'s zip and writes it to `path` (absolute). The zip is written beside its final name and
 * renamed into place, so a failed write never leaves a half zip where a deploy script would pick it up.
 */
export async function writeLayer(path: string): Promise<BuiltLayer> {
  const layer = await buildLayer();
  const partial = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(partial, layer.zip);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new HarnessError('EFZ_USAGE', `Cannot write the layer to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return layer;
}
