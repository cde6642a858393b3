import JSZip from 'jszip';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildLayer } from '../../src/layer/build.js';

/** An extracted layer: the directory that stands for Lambda's /opt, and the NODE_OPTIONS that turns it on. */
export interface ExtractedLayer {
  readonly opt: string;
  readonly nodeOptions: string;
  readonly remove: () => void;
}

/**
 * Builds `eventfuzz layer`'s zip and extracts it as Lambda does a layer, under a directory standing for /opt, with
 * jszip: a reader written apart from the writer (fflate), so a zip only our own code could read fails here.
 */
export async function extractLayer(): Promise<ExtractedLayer> {
  const opt = mkdtempSync(join(tmpdir(), 'efz-opt-'));
  const zip = await JSZip.loadAsync((await buildLayer()).zip);
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir) continue;
    const path = join(opt, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await entry.async('uint8array'));
  }
  return { opt, nodeOptions: `--import ${join(opt, 'eventfuzz', 'loader.mjs')}`, remove: () => rmSync(opt, { recursive: true, force: true }) };
}
