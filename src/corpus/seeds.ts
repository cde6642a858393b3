import { relative } from 'node:path';
import { z } from 'zod';
import { HarnessError, isHarnessError } from '../core/index.js';
import type { CorpusTarget } from './entry.js';
import { corpusFiles, readJsonFile, throwProblems } from './store.js';

/**
 * A hand-written seed event: a real event a team keeps beside the findings (in the corpus's `seeds/` directory),
 * which `replay` runs as it is and which must show no finding. Either the event itself, as Lambda delivers it
 * (its source is then recognised from its shape), or the event with what to run it on:
 *
 *     { "kind": "seed", "source": "sqs", "target": { "kind": "local", "ref": "src/orders.ts#handler" },
 *       "name": "order with a discount code", "event": { "Records": [ … ] } }
 */
export interface SeedEvent {
  readonly name?: string | undefined;
  /** The source it was written for, when the file says; otherwise replay recognises it from the event. */
  readonly source?: string | undefined;
  /** What to run it on, when the file says; otherwise the target replay was given. */
  readonly target?: CorpusTarget | undefined;
  readonly event: unknown;
}

const SeedWrapperSchema = z.looseObject({
  kind: z.literal('seed'),
  name: z.string().optional(),
  source: z.string().optional(),
  target: z.looseObject({ kind: z.enum(['local', 'lambda', 'http']), ref: z.string() }).optional(),
  event: z.looseObject({}, { error: 'expected the event, a JSON object' }),
});

/** The seed events under `paths` (their `seeds/` directories), sorted by path; a damaged file is an error, named. */
export function readSeeds(paths: readonly string[]): { readonly file: string; readonly seed: SeedEvent }[] {
  const seeds: { file: string; seed: SeedEvent }[] = [];
  const problems: string[] = [];
  for (const { file } of corpusFiles(paths).seeds) {
    try {
      seeds.push({ file, seed: parseSeed(file) });
    } catch (error) {
      if (!isHarnessError(error)) throw error;
      problems.push(error.message);
    }
  }
  throwProblems(problems);
  return seeds.sort((a, b) => a.file.localeCompare(b.file));
}

function parseSeed(file: string): SeedEvent {
  const where = relative(process.cwd(), file) || file;
  const data = readJsonFile(file);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new HarnessError('EFZ_CORPUS_INVALID', `${where}: a seed event is a JSON object (the event, or { "kind": "seed", "event": … }).`);
  }
  if ((data as { kind?: unknown }).kind !== 'seed') return { event: data };
  const result = SeedWrapperSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new HarnessError('EFZ_CORPUS_INVALID', `${where}: not a valid seed: "${issue.path.map(String).join('.')}" ${issue.message.replace(/^Invalid input: /, '')}.`);
  }
  const { name, source, target, event } = result.data;
  return { name, source, target, event };
}
