import { accessSync, constants, mkdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FuzzReport } from '../api/report.js';
import { HarnessError } from '../core/index.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';

/** Report formats by file suffix, the longest first (`.sarif.json` is SARIF, not JSON). */
const FORMATS: readonly { readonly suffix: string; readonly name: string; readonly render: (report: FuzzReport) => string }[] = [
  { suffix: '.sarif.json', name: 'SARIF', render: formatSarif },
  { suffix: '.sarif', name: 'SARIF', render: formatSarif },
  { suffix: '.json', name: 'JSON', render: (report) => `${JSON.stringify(report, null, 2)}\n` },
  { suffix: '.xml', name: 'JUnit XML', render: formatJunit },
];

/** `.json (JSON), .sarif or .sarif.json (SARIF 2.1.0), .xml (JUnit XML)`: what an error message lists. */
const FORMAT_LIST = '.json (JSON), .sarif or .sarif.json (SARIF 2.1.0), .xml (JUnit XML)';

function formatOf(file: string): (typeof FORMATS)[number] | undefined {
  const name = file.toLowerCase();
  return FORMATS.find((format) => name.endsWith(format.suffix));
}

/**
 * Checks report paths before a campaign starts, so a typo or an unwritable place does not cost a whole run: the
 * format is known, the path is not a directory, and its directory exists or can be created.
 */
export function checkReportPaths(files: readonly string[]): void {
  for (const file of files) {
    if (formatOf(file) === undefined) {
      throw new HarnessError('EFZ_USAGE', `Cannot write report "${file}": the format is chosen by extension: ${FORMAT_LIST}.`);
    }
    const path = resolve(file);
    const problem = unwritableFile(path) ?? probeWrite(path);
    if (problem !== undefined) throw new HarnessError('EFZ_USAGE', `Cannot write report "${file}": ${problem}.`);
  }
}

/**
 * Creates and removes the temporary file a write would use: what the permission checks cannot tell (a name
 * too long once the temporary suffix is added, a read-only file system as root) shows here, before the run.
 */
function probeWrite(path: string): string | undefined {
  const temp = temporaryName(path);
  try {
    writeFileSync(temp, '', { flag: 'wx' });
    rmSync(temp, { force: true });
    return undefined;
  } catch (error) {
    return errorMessage(error).replaceAll(temp, path);
  }
}

/** Unique per write, so two runs writing the same report do not clobber each other's half-written file. */
function temporaryName(path: string): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10).padEnd(8, '0')}.tmp`;
}

/**
 * Why a file cannot be written at `path`, or undefined when it can (its directory then exists).
 */
export function unwritableFile(path: string): string | undefined {
  if (statOrUndefined(path)?.isDirectory() === true) return 'it is a directory';
  return ensureWritableDirectory(dirname(path));
}

/**
 * Why `dir` cannot be used as a directory to write in, or undefined when it can. Checks first, creates after: the
 * nearest existing ancestor must be a writable directory, and the missing levels below it are created one at a
 * time. Never a recursive mkdirSync: on Node 20 it spins forever at 100% CPU on paths such as /proc/nope, and as
 * root the W_OK check alone does not rule those out. With `create: false` nothing is left behind: only the first
 * missing level is created, as proof, and removed again.
 */
export function ensureWritableDirectory(dir: string, options: { readonly create?: boolean } = {}): string | undefined {
  const missing: string[] = [];
  let existing = resolve(dir);
  let stats = statOrUndefined(existing);
  while (stats === undefined && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
    stats = statOrUndefined(existing);
  }
  if (stats === undefined) return `${dir} does not exist`;
  if (!stats.isDirectory()) return `${existing} is not a directory`;
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    return `${existing} is not writable`;
  }
  const create = options.create ?? true;
  for (const level of create ? missing : missing.slice(0, 1)) {
    try {
      mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statOrUndefined(level)?.isDirectory() === true) continue; // created meanwhile
      return `cannot create ${level} (${errorMessage(error)})`;
    }
    if (!create) rmdirSync(level);
  }
  return undefined;
}

/**
 * Writes each report atomically (temporary file, then rename). The temporary name is unique per write, so two runs
 * writing the same report do not clobber each other's half-written file. A failure is a HarnessError (one line,
 * exit 2), never an internal error.
 */
export function writeReports(files: readonly string[], report: FuzzReport): void {
  for (const file of files) {
    const path = resolve(file);
    const render = formatOf(file)?.render;
    if (render === undefined) throw new HarnessError('EFZ_USAGE', `Cannot write report "${file}": the format is chosen by extension: ${FORMAT_LIST}.`);
    const problem = unwritableFile(path);
    if (problem !== undefined) throw new HarnessError('EFZ_USAGE', `Cannot write report "${file}": ${problem}.`);
    const temp = temporaryName(path);
    try {
      writeFileSync(temp, render(report));
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      // Node's message names the temporary file, which the user never asked for and cannot find afterwards.
      throw new HarnessError('EFZ_USAGE', `Cannot write report "${file}": ${errorMessage(error).replaceAll(temp, path)}.`);
    }
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
