import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
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
      const file = join(root, entryPath(finding.case.source, finding.oracle, finding.id));
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
      writeFileAtomically(file, entryText(entry));
      return Promise.resolve(displayPath(file, shownFrom));
    },
  };
}

/** Where an entry lives inside its corpus: `<source>/<oracle>-<id>.json`. */
export function entryPath(source: string, oracle: string, id: string): string {
  return join(safeName(source), `${safeName(oracle)}-${id}.json`);
}

/** An entry as a file holds it: indented JSON, so corpora read and diff well in review. */
export function entryText(entry: CorpusEntry): string {
  return `${JSON.stringify(entry, null, 2)}\n`;
}

/** Writes to a temporary file renamed into place: a process killed mid-write leaves the old file or the new one. */
export function writeFileAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** The directory of a corpus where hand-written seed events live, beside the findings (see seeds.ts). */
export const SEEDS_DIR = 'seeds';

/** A `*.json` file of a corpus, and whether the user named it (rather than it being met in a directory). */
export interface CorpusFile {
  readonly file: string;
  readonly named: boolean;
}

/**
 * The `*.json` files under `paths` (files and directories, recursively): the findings, and apart from them the
 * seed events, which are the files inside a `seeds/` directory. A path that does not exist is an error.
 */
export function corpusFiles(paths: readonly string[]): { readonly findings: CorpusFile[]; readonly seeds: CorpusFile[] } {
  const findings: CorpusFile[] = [];
  const seeds: CorpusFile[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    const stats = statOrUndefined(absolute);
    if (stats === undefined) throw new HarnessError('EFZ_CORPUS_INVALID', `Corpus path "${path}" does not exist.`);
    if (stats.isDirectory()) collect(absolute, basename(absolute) === SEEDS_DIR, findings, seeds);
    else (isSeedFile(absolute) ? seeds : findings).push({ file: absolute, named: true });
  }
  return { findings, seeds };
}

/** A file named on its own is a seed when it sits in `seeds/` or in a folder of it (`seeds/sqs/order.json`). */
function isSeedFile(file: string): boolean {
  return basename(dirname(file)) === SEEDS_DIR || basename(dirname(dirname(file))) === SEEDS_DIR;
}

/**
 * Reads corpus entries from files and directories (recursively, `*.json`), sorted by path for a stable order.
 * A file named explicitly must be an entry. Met while walking a directory, a JSON document that is no entry at
 * all (a report saved beside the corpus: no `version`) is skipped, as are dangling links and the seed events
 * (`seeds/`, read by readSeeds); but a file that cannot be read or parsed, or an entry that is damaged, is an
 * error naming every such file: a damaged critical finding silently left out would let `replay` pass while the
 * bug is back.
 */
export function readCorpus(paths: readonly string[]): { readonly file: string; readonly entry: CorpusEntry }[] {
  const entries: { file: string; entry: CorpusEntry }[] = [];
  const problems: string[] = [];
  const { findings } = corpusFiles(paths);
  for (const { file, named } of [...findings.filter((f) => f.named), ...findings.filter((f) => !f.named)]) {
    try {
      const entry = parseEntry(file, named);
      if (entry !== undefined) entries.push({ file, entry });
    } catch (error) {
      if (!isHarnessError(error)) throw error;
      problems.push(error.message);
    }
  }
  throwProblems(problems);
  return entries.sort((a, b) => a.file.localeCompare(b.file));
}

/** One problem is the message; several are listed (up to ten) under one line. */
export function throwProblems(problems: readonly string[]): void {
  if (problems.length === 1) throw new HarnessError('EFZ_CORPUS_INVALID', problems[0]!);
  if (problems.length > 1) {
    const shown = problems.slice(0, 10).map((line) => `  ${line}`);
    if (problems.length > 10) shown.push(`  … and ${problems.length - 10} more`);
    throw new HarnessError('EFZ_CORPUS_INVALID', `${problems.length} corpus files are damaged; fix or remove them:\n${shown.join('\n')}`);
  }
}

/** The JSON document in `file`, or an error naming it (relative to the working directory) and what is wrong. */
export function readJsonFile(file: string): unknown {
  const where = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HarnessError('EFZ_CORPUS_INVALID', `${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HarnessError('EFZ_CORPUS_INVALID', `${where}: not valid JSON (${(error as Error).message}).`);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function collect(dir: string, inSeeds: boolean, findings: CorpusFile[], seeds: CorpusFile[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = statOrUndefined(path); // undefined: a dangling link
    if (stats?.isDirectory() === true) collect(path, inSeeds || name === SEEDS_DIR, findings, seeds);
    else if (stats?.isFile() === true && name.endsWith('.json')) (inSeeds ? seeds : findings).push({ file: path, named: false });
  }
}

/** The entry in `file`; for a file met while walking, `undefined` when it is JSON but no entry at all (no `version`). */
function parseEntry(file: string, named: boolean): CorpusEntry | undefined {
  const data = readJsonFile(file);
  const problem = entryProblem(data);
  if (problem === undefined) return data as CorpusEntry;
  if (!named && (typeof data !== 'object' || data === null || (data as { version?: unknown }).version === undefined)) return undefined;
  throw new HarnessError('EFZ_CORPUS_INVALID', `${relative(process.cwd(), file) || file}: not a valid eventfuzz corpus entry: ${problem}.`);
}

/** Relative to `base` when inside it (short, portable in CI logs), absolute otherwise. */
function displayPath(file: string, base: string): string {
  const path = relative(base, file);
  return path === '' || path.startsWith('..') ? file : path;
}

function safeName(text: string): string {
  return text.replace(/[^a-zA-Z0-9._-]/g, '_');
}
