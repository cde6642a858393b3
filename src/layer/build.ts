import type { BuildResult, OutputFile } from 'esbuild';
import { zipSync } from 'fflate';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../core/errors.js';
import { VERSION } from '../version.js';

/** The loader a function's `NODE_OPTIONS` names once the layer is attached (layers are extracted under /opt). */
export const LAYER_LOADER_PATH = '/opt/eventfuzz/loader.mjs';
export const LAYER_NODE_OPTIONS = `--import ${LAYER_LOADER_PATH}`;

/** The built layer: the zip's bytes and what is in it. */
export interface BuiltLayer {
  readonly zip: Uint8Array;
  /** Paths inside the zip (the layer's paths under /opt), with their sizes in bytes. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: number }>;
}

const SOURCE_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * The bundles, at the paths the probes expect beside each other: probes/ mirrors src/probes/, because the probes
 * find their child-process, worker and module-hook bootstraps relative to their own module URL. Each bundle is
 * self-contained (the function has none of eventfuzz's dependencies), plain ESM for Node 20 and later. Entries are
 * named without extension, so esbuild finds the `.ts` source in the repository and the `.js` of the built package.
 */
const ENTRIES = [
  { in: './layer/loader', out: 'eventfuzz/probes/loader' },
  { in: './layer/handler-hooks', out: 'eventfuzz/probes/handler-hooks' },
  { in: './probes/child-node/install', out: 'eventfuzz/probes/child-node/bootstrap' },
  { in: './probes/sub-worker/install', out: 'eventfuzz/probes/sub-worker/bootstrap' },
  { in: './probes/direct-eval/hooks.mjs', out: 'eventfuzz/probes/direct-eval/hooks' },
];

function readme(): string {
  return [
    `eventfuzz ${VERSION} in-function probes (a Lambda layer for STAGING functions only).`,
    '',
    'Attach the layer and set the function\'s environment variable',
    `  NODE_OPTIONS=${LAYER_NODE_OPTIONS}`,
    'Invocations that carry eventfuzz\'s client context (sent by `eventfuzz fuzz --function`) then run with',
    'eventfuzz\'s probes: commands and file operations that carry a payload are blocked (unless the run passed',
    '--allow-exec), connections to payload-named hosts are refused, and what the probes saw is written to the',
    'function\'s log. Every other invocation goes straight to the handler.',
    '',
  ].join('\n');
}

/**
 * Builds the layer zip in memory: the probes bundled with esbuild (the bundler tsx already brings), zipped with
 * fflate. Takes well under a second.
 */
export async function buildLayer(): Promise<BuiltLayer> {
  const esbuild = await import('esbuild');
  let result: BuildResult<{ write: false }>;
  try {
    result = await esbuild.build({
      absWorkingDir: SOURCE_ROOT,
      entryPoints: ENTRIES.map((entry) => ({ in: entry.in, out: entry.out })),
      outdir: '/layer',
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outExtension: { '.js': '.mjs' },
      legalComments: 'none',
      logLevel: 'silent',
    });
  } catch (error) {
    throw new HarnessError('EFZ_RUNNER_UNAVAILABLE', `Building the layer failed: ${(error as Error).message}`, { cause: error });
  }
  const files: Record<string, Uint8Array> = {};
  for (const file of result.outputFiles as OutputFile[]) files[file.path.replace(/^\/layer\//, '')] = file.contents;
  // The short path users put in NODE_OPTIONS.
  files['eventfuzz/loader.mjs'] = new TextEncoder().encode("import './probes/loader.mjs';\n");
  files['eventfuzz/README.txt'] = new TextEncoder().encode(readme());
  // A fixed date: the same eventfuzz version builds the same bytes.
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, [bytes, { mtime: new Date('2026-01-01T00:00:00Z') }]])), { level: 9 });
  return { zip, files: Object.entries(files).map(([path, bytes]) => ({ path, bytes: bytes.length })) };
}
