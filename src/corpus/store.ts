import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { FuzzCase } from '../core/index.js';
import { CANARY_PATTERN, HarnessError } from '../core/index.js';
import type { CorpusEntry, CorpusTarget } from './entry.js';

/** What every entry of one campaign shares. */
export interface CorpusMeta {
  readonly target: CorpusTarget;
  readonly seed: number;
  readonly toolVersion: string;
}

/** The part of a finding the store needs (structurally what the engine reports). */
export interface StorableFinding {
  readonly id: string;
  readonly oracle: string;
  readonly confidence: CorpusEntry['finding']['confidence'];
  readonly severity: CorpusEntry['finding']['severity'];
  readonly title: string;
  readonly dedupeKey: string;
  readonly injectionPoint: string | null;
  readonly payloadId: string | null;
  readonly case: FuzzCase;
}

/**
 * Writes findings to `<dir>/<source>/<oracle>-<id>.json`. One file per distinct finding: the first sighting is
 * written at once, and overwritten by the shrunk case. Writes go to a temporary file renamed into place, so a
 * run killed mid-write leaves either the old entry or the new one, never half of one.
 */
export function createCorpusStore(dir: string, meta: CorpusMeta): { save(finding: StorableFinding): Promise<string> } {
  const root = resolve(dir);
  return {
    save(finding) {
      const folder = join(root, safeName(finding.case.source));
      mkdirSync(folder, { recursive: true });
      const file = join(folder, `${safeName(finding.oracle)}-${finding.id}.json`);
      const entry: CorpusEntry = {
        version: 1,
        id: finding.id,
        tool: { name: 'eventfuzz', version: meta.toolVersion },
        target: meta.target,
        seed: meta.seed,
        finding: {
          oracle: finding.oracle,
          confidence: finding.confidence,
          severity: finding.severity,
          title: finding.title,
          dedupeKey: finding.dedupeKey,
          injectionPoint: finding.injectionPoint,
          payloadId: finding.payloadId,
        },
        case: finding.case,
      };
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(entry, null, 2)}\n`);
      renameSync(temporary, file);
      return Promise.resolve(displayPath(file));
    },
  };
}

/** Reads corpus entries from files and directories (recursively, `*.json`), sorted by path for a stable order. */
export function readCorpus(paths: readonly string[]): { readonly file: string; readonly entry: CorpusEntry }[] {
  const files: string[] = [];
  for (const path of paths) collect(resolve(path), path, files);
  return files.sort().map((file) => ({ file, entry: parseEntry(file) }));
}

function collect(absolute: string, given: string, into: string[]): void {
  let stats;
  try {
    stats = statSync(absolute);
  } catch {
    throw new HarnessError('EFZ_CORPUS_INVALID', `Corpus path "${given}" does not exist.`);
  }
  if (stats.isFile()) into.push(absolute);
  else for (const name of readdirSync(absolute)) if (name.endsWith('.json') || statSync(join(absolute, name)).isDirectory()) collect(join(absolute, name), join(given, name), into);
}

function parseEntry(file: string): CorpusEntry {
  const where = relative(process.cwd(), file) || file;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HarnessError('EFZ_CORPUS_INVALID', `${where}: not valid JSON (${(error as Error).message}).`);
  }
  const entry = data as Partial<CorpusEntry>;
  const fuzzCase = entry.case as Partial<FuzzCase> | undefined;
  if (entry.version !== 1 || typeof fuzzCase !== 'object' || fuzzCase === null || typeof fuzzCase.source !== 'string' || !('event' in fuzzCase) || typeof fuzzCase.canary !== 'string' || !CANARY_PATTERN.test(fuzzCase.canary)) {
    throw new HarnessError('EFZ_CORPUS_INVALID', `${where}: not an eventfuzz corpus entry (expected version 1 with case.source, case.event and case.canary).`);
  }
  return entry as CorpusEntry;
}

/** Relative to the working directory when inside it (short, portable in CI logs), absolute otherwise. */
function displayPath(file: string): string {
  const path = relative(process.cwd(), file);
  return path === '' || path.startsWith('..') ? file : path;
}

function safeName(text: string): string {
  return text.replace(/[^a-zA-Z0-9._-]/g, '_');
}
