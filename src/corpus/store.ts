import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { FuzzCase } from '../core/index.js';
import { HarnessError, isHarnessError } from '../core/index.js';
import type { CorpusEntry, CorpusTarget } from './entry.js';
import { entryProblem } from './entry-schema.js';

/** What every entry of one campaign shares. */
export interface CorpusMeta {
  readonly target: CorpusTarget;
  readonly seed: number;
  readonly toolVersion: string;
  /**
   * The directory saved paths are shown relative to: the user's, captured before the run moves the process to the
   * handler's task root (default: the working directory when the store is created).
   */
  readonly shownFrom?: string | undefined;
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
  const shownFrom = meta.shownFrom ?? process.cwd();
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
      return Promise.resolve(displayPath(file, shownFrom));
    },
  };
}

/**
 * Reads corpus entries from files and directories (recursively, `*.json`), sorted by path for a stable order.
 * A file named explicitly must be an entry. Met while walking a directory, a JSON document that is no entry at
 * all (a report saved beside the corpus: no `version`) is skipped, as are dangling links; but a file that cannot
 * be read or parsed, or an entry that is damaged, is an error naming every such file: a damaged critical finding
 * silently left out would let `replay` pass while the bug is back.
 */
export function readCorpus(paths: readonly string[]): { readonly file: string; readonly entry: CorpusEntry }[] {
  const named: string[] = [];
  const walked: string[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    const stats = statOrUndefined(absolute);
    if (stats === undefined) throw new HarnessError('EFZ_CORPUS_INVALID', `Corpus path "${path}" does not exist.`);
    if (stats.isDirectory()) collect(absolute, walked);
    else named.push(absolute);
  }
  const entries: { file: string; entry: CorpusEntry }[] = [];
  const problems: string[] = [];
  for (const [file, isNamed] of [...named.map((f) => [f, true] as const), ...walked.map((f) => [f, false] as const)]) {
    try {
      const entry = parseEntry(file, isNamed);
      if (entry !== undefined) entries.push({ file, entry });
    } catch (error) {
      if (!isHarnessError(error)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length === 1) throw new HarnessError('EFZ_CORPUS_INVALID', problems[0]!);
  if (problems.length > 1) {
    const shown = problems.slice(0, 10).map((line) => `  ${line}`);
    if (problems.length > 10) shown.push(`  … and ${problems.length - 10} more`);
    throw new HarnessError('EFZ_CORPUS_INVALID', `${problems.length} corpus files are damaged; fix or remove them:\n${shown.join('\n')}`);
  }
  return entries.sort((a, b) => a.file.localeCompare(b.file));
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function collect(dir: string, into: string[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = statOrUndefined(path); // undefined: a dangling link
    if (stats?.isDirectory() === true) collect(path, into);
    else if (stats?.isFile() === true && name.endsWith('.json')) into.push(path);
  }
}

/** The entry in `file`; for a file met while walking, `undefined` when it is JSON but no entry at all (no `version`). */
function parseEntry(file: string, named: boolean): CorpusEntry | undefined {
  const where = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HarnessError('EFZ_CORPUS_INVALID', `${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new HarnessError('EFZ_CORPUS_INVALID', `${where}: not valid JSON (${(error as Error).message}).`);
  }
  const problem = entryProblem(data);
  if (problem === undefined) return data as CorpusEntry;
  if (!named && (typeof data !== 'object' || data === null || (data as { version?: unknown }).version === undefined)) return undefined;
  throw new HarnessError('EFZ_CORPUS_INVALID', `${where}: not a valid eventfuzz corpus entry: ${problem}.`);
}

/** Relative to `base` when inside it (short, portable in CI logs), absolute otherwise. */
function displayPath(file: string, base: string): string {
  const path = relative(base, file);
  return path === '' || path.startsWith('..') ? file : path;
}

function safeName(text: string): string {
  return text.replace(/[^a-zA-Z0-9._-]/g, '_');
}
