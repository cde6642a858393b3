import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../../core/index.js';
import { CDK_MANIFEST, detectCdk } from './cdk.js';
import { SAM_TEMPLATE_FILES, detectSam } from './sam.js';
import { SERVERLESS_FILES, detectServerless } from './serverless.js';
import { findProjectSamples, withSamples } from './samples.js';
import type { Detection } from './types.js';

/** Every project file `init` reads, in the order it reads them. */
export const PROJECT_FILES: readonly string[] = [...SAM_TEMPLATE_FILES, ...SERVERLESS_FILES, CDK_MANIFEST];

/**
 * Every project file of `projectDir` with its functions; a project with several (a SAM template beside a
 * serverless.yml) gets all of them, target names kept unique. Each function gets the project's sample events of
 * its source (`events/`). A usage error when there is none.
 */
export function detectProject(projectDir: string): Detection[] {
  const found = [detectSam(projectDir), detectServerless(projectDir), detectCdk(projectDir)].filter((d): d is Detection => d !== undefined);
  if (found.length === 0) {
    const hint = existsSync(join(projectDir, 'cdk.json')) ? ' This is a CDK app: run `npx cdk synth` first, then init reads cdk.out.' : '';
    throw new HarnessError('EFZ_USAGE', `No SAM, serverless or CDK project in ${projectDir}: looked for ${PROJECT_FILES.join(', ')}.${hint}`);
  }
  const taken = new Set<string>();
  const sampleNotes: string[] = [];
  const samples = findProjectSamples(projectDir, sampleNotes);
  const detections = found.map((detection) => ({
    ...detection,
    functions: detection.functions.map((fn) => {
      let name = fn.name;
      for (let n = 2; taken.has(name); n++) name = `${fn.name}-${n}`;
      taken.add(name);
      return withSamples({ ...fn, name }, samples);
    }),
  }));
  const unused = samples.filter((sample) => !detections.some((d) => d.functions.some((fn) => fn.samples?.includes(sample.file) === true)));
  for (const sample of unused) sampleNotes.push(`${sample.file}: a ${sample.source} event, and no target has that source; not used as a sample`);
  // The notes on events/ belong to no one project file: they go with the first.
  if (sampleNotes.length > 0) detections[0] = { ...detections[0]!, notes: [...detections[0]!.notes, ...sampleNotes] };
  return detections;
}
