import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

/** The repository root: the CLI's working directory in these tests, so handler refs read like a user's. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/[\/]$/, '');

/** A fixture of this suite, as a path relative to ROOT (what a user types). */
export const e2eFixture = (name: string): string => relative(ROOT, fileURLToPath(new URL(`../fixtures/e2e/${name}`, import.meta.url)));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `eventfuzz <argv>` in this process with captured, non-interactive output (like a CI log). */
export async function runCli(argv: readonly string[], options: { readonly interactive?: boolean; readonly signal?: AbortSignal } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    interactive: options.interactive ?? false,
    cwd: ROOT,
    signal: options.signal,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The lines of an error message on stderr, without the decoration around it. */
export function messageLines(stderr: string): string[] {
  // commander appends its "(run with --help for usage)" hint on a line of its own, and `fuzz` announces what it
  // is about to do before it loads the handler: neither is part of the message.
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && line.trim() !== '(run with --help for usage)' && !/^eventfuzz: fuzzing .* with seed -?\d+ \(/.test(line));
}

/** Temporary directories, removed by `cleanTempDirs()` (call it in afterEach/afterAll). */
const temps: string[] = [];
export function tempDir(prefix = 'efz-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
export function cleanTempDirs(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Every `*.json` file under `dir` (recursively), sorted. Temporary files of an interrupted write are skipped. */
export function jsonFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

export const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8')) as unknown;

/** A spawned `node src/cli/launch.js …` with its output collected as it arrives. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** Resolves once stderr matches `pattern`; rejects after `timeoutMs` or if the process ends first. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<void>;
}

const spawned = new Set<ChildProcess>();

/** Starts the real CLI binary from the repository root, stdio piped (not a TTY), without CI-specific env. */
export function spawnCli(args: readonly string[]): CliProcess {
  const env = { ...process.env };
  delete env['NODE_OPTIONS']; // vitest's own loader hooks must not leak into the CLI under test
  const child = spawn(process.execPath, ['src/cli/launch.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.add(child);
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const listener of listeners) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      spawned.delete(child);
      for (const listener of listeners) listener();
      resolve({ code, signal });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStderr(pattern, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(err)) return done(() => resolve());
          if (child.exitCode !== null || child.signalCode !== null) {
            done(() => reject(new Error(`the CLI ended (code ${child.exitCode}, signal ${child.signalCode}) before stderr matched ${pattern}.\nstderr:\n${err}\nstdout:\n${out}`)));
          }
        };
        const timer = setTimeout(() => done(() => reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms.\nstderr:\n${err}\nstdout:\n${out}`))), timeoutMs);
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Kills every CLI process a test started and that is still running (call in afterEach/finally). */
export async function killSpawned(): Promise<void> {
  const alive = [...spawned];
  for (const child of alive) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all(alive.map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('close', () => resolve())))));
  for (const child of alive) spawned.delete(child);
}

/** Matches a console "found" line: `  found  [HIGH] crash (confirmed) at Records[*].body with ci-semicolon`. */
export const FOUND_LINE = /^ {2}found {2}\[(CRITICAL|HIGH|MEDIUM|LOW)\] (\S+) \((confirmed|tainted)\) at (.+?)(?: with ([\w.-]+))?$/;

export interface FoundLine {
  readonly oracle: string;
  readonly point: string | null;
  readonly payloadId: string | null;
}

/** The "found" lines of complete stderr lines (a line cut off by a kill is ignored). */
export function foundLines(stderr: string): FoundLine[] {
  const complete = stderr.slice(0, stderr.lastIndexOf('\n') + 1);
  const out: FoundLine[] = [];
  for (const line of complete.split('\n')) {
    const match = FOUND_LINE.exec(line);
    if (match === null) continue;
    out.push({ oracle: match[2]!, point: match[4] === '(no payload)' ? null : match[4]!, payloadId: match[5] ?? null });
  }
  return out;
}
