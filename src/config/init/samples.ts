import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import type { SourceId } from '../../../generators/index.js';
import { detectSource } from '../../../generators/sample/index.js';
import type { DetectedFunction } from './types.js';

/**
 * Where a project keeps real events to invoke its functions with: `sam local generate-event … > events/x.json`
 * and `sam local invoke -e events/x.json` are SAM's convention, and serverless and CDK projects follow it too.
 */
const EVENTS_DIR = 'events';
/** How deep `events/` is searched: `events/x.json` and a folder per function, `events/orders/x.json`. */
const MAX_DEPTH = 2;

/** A sample event of the project, its path relative to the project (posix, as the config writes it). */
export interface ProjectSample {
  readonly file: string;
  readonly source: SourceId;
}

/**
 * The JSON files under `events/` whose event eventfuzz recognises (`detectSource`), sorted by path. Files that
 * are not JSON or not an event of a known source are noted and left out: they are the project's, not ours to judge.
 */
export function findProjectSamples(projectDir: string, notes: string[]): ProjectSample[] {
  const samples: ProjectSample[] = [];
  const walk = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return; // no events/ directory: nothing to find
    }
    for (const name of names) {
      const path = join(dir, name);
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats?.isDirectory() === true && depth < MAX_DEPTH) walk(path, depth + 1);
      if (stats?.isFile() !== true || !name.endsWith('.json')) continue;
      const file = relative(projectDir, path).split(sep).join(posix.sep);
      let event: unknown;
      try {
        event = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        notes.push(`${file}: not JSON, not used as a sample`);
        continue;
      }
      const source = detectSource(event);
      if (source === undefined) notes.push(`${file}: not an event of a source eventfuzz knows, not used as a sample`);
      else samples.push({ file, source });
    }
  };
  walk(join(projectDir, EVENTS_DIR), 1);
  return samples;
}

/**
 * Gives each target the samples of its source: those whose path names the function (`events/create-order.json`
 * for `CreateOrderFunction`), or when none does, every sample of that source. A sample of another source would
 * be refused by `fuzz`, so it is never given.
 */
export function withSamples(fn: DetectedFunction, samples: readonly ProjectSample[]): DetectedFunction {
  const ofSource = samples.filter((sample) => sample.source === fn.source);
  const functionName = fn.name.endsWith(`-${fn.source}`) ? fn.name.slice(0, -fn.source.length - 1) : fn.name; // `Api-sns`: Api
  const named = ofSource.filter((sample) => mentions(sample.file, functionName));
  const chosen = (named.length > 0 ? named : ofSource).map((sample) => sample.file);
  return chosen.length === 0 ? fn : { ...fn, samples: chosen };
}

/** Whether a path names a function: `create-order` in `events/create-order.json` for `CreateOrderFunction`. */
function mentions(file: string, functionName: string): boolean {
  const words = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  const stem = words(functionName.replace(/(Function|Handler|Fn)$/, ''));
  return stem.length >= 3 && words(file.replace(/\.json$/, '')).includes(stem);
}
