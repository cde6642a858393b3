import { spawnSync as nodeSpawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HarnessError } from '../core/errors.js';
import { serializeError } from '../core/serialize-error.js';
import { INSTANCE_QUERY } from './deadline.js';

/** A handler as the user names it: `src/index.ts#handler`. */
export interface HandlerRef {
  /** Absolute path. */
  readonly file: string;
  readonly exportName: string;
}

/** How a module is imported: the in-process runner needs tsx's API, a worker started with `--import tsx` does not. */
export type ModuleImporter = (url: string) => Promise<unknown>;

// Captured at load, before probes wrap child_process: the syntax check below is ours, not the handler's.
const spawnSync = nodeSpawnSync;
const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/** The extensions Lambda's Node runtime tries for `module.export` (in its order), then TypeScript's, ours. */
export const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;

/**
 * Parses a handler reference relative to `cwd`. Two notations, told apart without guessing:
 * - `file[#export]`: a path ending in a module extension (`src/index.ts`, `dist/app.mjs#main`); the export
 *   defaults to `handler`. Anything with `#` is this notation.
 * - Lambda's `module.export` (`src/orders.handler`, as in SAM templates and serverless.yml): the last `.` of
 *   the last path segment separates the export; the module gets the first of {@link MODULE_EXTENSIONS} that
 *   exists, as Lambda tries `.js`, `.mjs`, `.cjs`. Nothing found is `EFZ_HANDLER_NOT_FOUND`, naming every file tried.
 */
export function parseHandlerRef(ref: string, cwd: string): HandlerRef {
  const hash = ref.lastIndexOf('#');
  const path = hash === -1 ? ref : ref.slice(0, hash);
  const exportName = hash === -1 ? 'handler' : ref.slice(hash + 1);
  if (path === '') throw new HarnessError('EFZ_USAGE', `"${ref}" names no file. Use <file>[#<export>], e.g. src/index.ts#handler.`);
  if (exportName === '') throw new HarnessError('EFZ_USAGE', `"${ref}" has an empty export name. Use <file>#<export> or omit "#".`);
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  if (hash !== -1 || (MODULE_EXTENSIONS as readonly string[]).includes(extname(path))) return { file, exportName };
  return lambdaNotation(ref, file);
}

function lambdaNotation(ref: string, target: string): HandlerRef {
  const name = basename(target);
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    throw new HarnessError(
      'EFZ_USAGE',
      `"${ref}" is neither <file>[#<export>] (a path ending in ${MODULE_EXTENSIONS.join(', ')}) nor Lambda's <module>.<export> (e.g. src/orders.handler).`,
    );
  }
  const modulePath = join(dirname(target), name.slice(0, dot));
  const exportName = name.slice(dot + 1);
  const tried = MODULE_EXTENSIONS.map((extension) => modulePath + extension);
  const file = tried.find((candidate) => isFileSync(candidate));
  if (file === undefined) {
    throw new HarnessError(
      'EFZ_HANDLER_NOT_FOUND',
      `Handler "${ref}" (Lambda notation: module ${displayPath(modulePath)}, export "${exportName}") matches no file. Tried: ${tried.map(displayPath).join(', ')}.`,
    );
  }
  return { file, exportName };
}

function isFileSync(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Imports `tsx`'s way, so TypeScript, ESM and CommonJS all load whether or not a loader was registered for the
 * process (under vitest, or from the CLI). Each call gets its own module instance: a fresh "cold start".
 */
export const tsxImporter: ModuleImporter = async (url) => {
  tsxApi ??= import('tsx/esm/api');
  return (await tsxApi).tsImport(url, import.meta.url) as Promise<unknown>;
};
/**
 * tsx, loaded on first use: a warm instance imports this module but loads handlers with a plain import, and
 * loading tsx there cost ~0.1 s per instance (its modules mention `eval`, so the direct-eval probe parsed them).
 */
let tsxApi: Promise<typeof import('tsx/esm/api')> | undefined;

/**
 * Loads the handler function named by `exportName` from `file` (CommonJS, ESM or TypeScript). Also accepts
 * `module.exports = { handler }` and `export default { handler }`. Rejects only with HarnessError:
 * `EFZ_HANDLER_NOT_FOUND` (no file, no such export, not a function) or `EFZ_HANDLER_LOAD_FAILED` (the module
 * itself throws or does not parse), with the handler's message and its location, never eventfuzz's stack.
 */
export async function loadHandler(
  file: string,
  exportName: string,
  importer: ModuleImporter = tsxImporter,
): Promise<(...args: unknown[]) => unknown> {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch {
    throw new HarnessError('EFZ_HANDLER_NOT_FOUND', `Handler file not found: ${file}. Check the path (relative paths resolve from the current directory).`);
  }
  let mod: unknown;
  try {
    mod = await importer(pathToFileURL(file).href);
  } catch (error) {
    throw loadFailed(file, error);
  }
  return pickExport(mod, file, exportName);
}

function pickExport(mod: unknown, file: string, exportName: string): (...args: unknown[]) => unknown {
  const namespace = (mod ?? {}) as Record<string, unknown>;
  const fallback = namespace['default'];
  const candidate =
    exportName in namespace
      ? namespace[exportName]
      : typeof fallback === 'object' && fallback !== null && exportName in fallback
        ? (fallback as Record<string, unknown>)[exportName] // `module.exports = {…}` / `export default {…}`
        : undefined;
  if (typeof candidate === 'function') return candidate as (...args: unknown[]) => unknown;
  if (candidate === undefined && !(exportName in namespace)) {
    const found = listExports(namespace);
    const hint = found.find((name) => typeof lookup(namespace, name) === 'function');
    throw new HarnessError(
      'EFZ_HANDLER_NOT_FOUND',
      `${displayPath(file)} has no export "${exportName}". Exports found: ${found.join(', ') || 'none'}.` +
        (hint === undefined ? '' : ` Use ${displayPath(file)}#${hint}.`),
    );
  }
  const type = candidate === null ? 'null' : typeof candidate;
  throw new HarnessError('EFZ_HANDLER_NOT_FOUND', `Export "${exportName}" of ${displayPath(file)} is a ${type}, not a function.`);
}

/** Named exports, plus the members of a default-exported object (as `default.x`), the shapes we accept. */
function listExports(namespace: Record<string, unknown>): string[] {
  const names = Object.keys(namespace).filter((name) => name !== 'default' || typeof namespace[name] === 'function');
  const fallback = namespace['default'];
  if (typeof fallback === 'object' && fallback !== null) {
    for (const name of Object.keys(fallback)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

function lookup(namespace: Record<string, unknown>, name: string): unknown {
  if (name in namespace) return namespace[name];
  const fallback = namespace['default'];
  return typeof fallback === 'object' && fallback !== null ? (fallback as Record<string, unknown>)[name] : undefined;
}

function loadFailed(file: string, error: unknown): HarnessError {
  const serialized = serializeError(error);
  const where = userLocation(file, serialized.stack) ?? syntaxLocation(file, serialized.name);
  return new HarnessError(
    'EFZ_HANDLER_LOAD_FAILED',
    `Loading ${displayPath(file)} failed: ${serialized.name}: ${serialized.message}` + (where === undefined ? '' : `\n    at ${where}`),
  );
}

/** The first stack line that points into the handler's own file, not node internals or eventfuzz. */
function userLocation(file: string, stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const href = pathToFileURL(file).href;
  for (const line of stack.split('\n')) {
    const trimmed = line.trim();
    const compiled = dataUrlSource(trimmed);
    // tsx's in-process CommonJS path evaluates a data: URL; its line numbers are of the compiled code, so only
    // the file is honest to print.
    if (compiled !== undefined) {
      if (compiled === file) return displayPath(file);
      continue;
    }
    if (trimmed.includes(href) || trimmed.includes(file)) return relativeFrame(cleanFrame(trimmed.replace(/^at /, '')));
  }
  return undefined;
}

/** The source file a tsx `data:text/javascript,…?filePath=<file>` frame was compiled from. */
function dataUrlSource(frame: string): string | undefined {
  if (!frame.includes('data:text/javascript,')) return undefined;
  const match = /[?&]filePath=([^:\s)]+)/.exec(frame);
  if (match === null) return '';
  try {
    return decodeURIComponent(match[1]!).replace(/\?(?:tsx-)?namespace=[\w-]+$/, '');
  } catch {
    return '';
  }
}

/** `fn (/abs/project/src/index.ts:4:32)` → `fn (src/index.ts:4)`: the user's view, as crash evidence prints it. */
function relativeFrame(frame: string): string {
  return frame.replace(/(\/[^\s():]+):(\d+)(?::\d+)?/g, (_all, path: string, line: string) => `${displayPath(path)}:${line}`);
}

/**
 * V8 keeps an ES module's syntax error location out of `error.stack` (node prints it from an internal
 * field). Only in that case, ask `node --check` for it: it prints `file:line`, the line, and a caret.
 */
function syntaxLocation(file: string, name: string): string | undefined {
  if (name !== 'SyntaxError' || !JS_EXTENSIONS.has(extname(file))) return undefined;
  try {
    const checked = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 5_000 });
    const lines = (checked.stderr ?? '').split('\n');
    const index = lines.findIndex((line) => line.includes(file));
    if (index === -1) return undefined;
    return [cleanFrame(lines[index] ?? ''), ...lines.slice(index + 1, index + 3)].join('\n    ').trimEnd();
  } catch {
    return undefined;
  }
}

/** Drops per-instance module queries (tsx's namespace, ours) so locations read as plain paths. */
export function cleanFrame(frame: string): string {
  return frame.replace(INSTANCE_QUERY, '').replace(/file:\/\/[^\s:)]+/g, (url) => {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  });
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
