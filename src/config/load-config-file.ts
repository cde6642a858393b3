import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HarnessError } from '../core/index.js';
import type { TargetOptions } from './define-config.js';
import { describeIssues, keyPath } from './issues.js';
import { configSchema, TARGET_KINDS } from './schema.js';

/** The names `eventfuzz` looks for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = ['eventfuzz.config.json', 'eventfuzz.config.mjs', 'eventfuzz.config.ts'] as const;

/** A target of a loaded config: the top level's defaults applied, paths absolute. */
export interface ResolvedTarget {
  readonly name: string;
  readonly kind: 'handler' | 'function' | 'url';
  /** The handler ref (absolute file), function name or URL. */
  readonly ref: string;
  readonly qualifier?: string | undefined;
  readonly options: TargetOptions;
}

export interface LoadedConfig {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly targets: readonly ResolvedTarget[];
}

/** The config file in `cwd`, or `undefined` when there is none; two of them is a usage error (which one?). */
export function findConfigFile(cwd: string): string | undefined {
  const found = CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).filter((file) => existsSync(file));
  if (found.length > 1) throw new HarnessError('EFZ_USAGE', `Found ${found.map((file) => basename(file)).join(' and ')}; keep one, or choose with --config FILE.`);
  return found[0];
}

/**
 * Loads, validates and resolves a config file: `.json`, or the default export of `.mjs`/`.ts` (an object, or a
 * function returning one). Every problem is one line naming the file, the target and the key path, all at once.
 */
export async function loadConfigFile(file: string, cwd: string): Promise<LoadedConfig> {
  const absolute = resolve(cwd, file);
  const label = displayPath(absolute, cwd);
  if (!existsSync(absolute)) throw new HarnessError('EFZ_USAGE', `Config file ${label} does not exist.`);
  const raw = await readConfig(absolute, label);
  const parsed = configSchema.safeParse(raw);
  const problems = parsed.success ? [] : describeIssues(parsed.error.issues, raw);
  if (parsed.success) problems.push(...crossChecks(parsed.data, raw));
  if (problems.length > 0 || !parsed.success) throw new HarnessError('EFZ_USAGE', problems.map((line) => `${label}: ${line}`).join('\n'));
  const { targets, $schema: _schema, ...defaults } = parsed.data;
  const base = dirname(absolute);
  return {
    file: absolute,
    targets: targets.map((target) => {
      const { name, handler, function: fn, url, qualifier, ...own } = target;
      const kind = handler !== undefined ? 'handler' : fn !== undefined ? 'function' : 'url';
      const merged: TargetOptions = {
        ...defaults,
        ...own,
        ...(defaults.env !== undefined || own.env !== undefined ? { env: { ...defaults.env, ...own.env } } : {}),
        ...(defaults.headers !== undefined || own.headers !== undefined ? { headers: { ...defaults.headers, ...own.headers } } : {}),
        // One corpus directory per target, so `replay` never sends one target's findings to another.
        corpus: own.corpus ?? `${defaults.corpus ?? '.eventfuzz/corpus'}/${name}`,
      };
      return { name, kind, ref: handler !== undefined ? resolveHandler(handler, base) : (fn ?? url)!, qualifier, options: resolvePaths(merged, base) };
    }),
  };
}

async function readConfig(file: string, label: string): Promise<unknown> {
  const extension = extname(file);
  if (extension === '.json') {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      throw new HarnessError('EFZ_USAGE', `${label}: not valid JSON: ${(error as Error).message}`);
    }
  }
  if (extension !== '.mjs' && extension !== '.ts' && extension !== '.mts' && extension !== '.js') {
    throw new HarnessError('EFZ_USAGE', `${label}: a config file is .json, .mjs or .ts.`);
  }
  let module: { default?: unknown };
  try {
    const url = pathToFileURL(file).href;
    // tsx only for TypeScript, loaded on first use as for handlers: a JSON or .mjs config never pays for it.
    module = (extension === '.ts' || extension === '.mts' ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url) : await import(url)) as { default?: unknown };
  } catch (error) {
    throw new HarnessError('EFZ_USAGE', `${label}: could not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  // A `.ts` file tsx compiles as CommonJS (no "type": "module" above it) has its default export one level down.
  const exported = module.default as { default?: unknown; targets?: unknown } | undefined;
  if (exported !== null && typeof exported === 'object' && exported.default !== undefined && exported.targets === undefined) module = exported;
  if (module.default === undefined) throw new HarnessError('EFZ_USAGE', `${label}: has no default export (export default defineConfig({ targets: [...] })).`);
  try {
    return typeof module.default === 'function' ? ((await (module.default as () => unknown)()) as unknown) : module.default;
  } catch (error) {
    throw new HarnessError('EFZ_USAGE', `${label}: its default export threw: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What the schema cannot say per key: one kind per target, unique names. */
function crossChecks(config: { readonly targets: readonly Record<string, unknown>[] }, raw: unknown): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  config.targets.forEach((target, index) => {
    const at = keyPath(['targets', index], raw);
    const kinds = TARGET_KINDS.filter((kind) => target[kind] !== undefined);
    if (kinds.length === 0) problems.push(`${at}: missing what to fuzz; give one of handler (a local file#export), function (a deployed Lambda) or url`);
    if (kinds.length > 1) problems.push(`${at}: ${kinds.join(' and ')} together; a target is one of handler, function or url`);
    if (target['qualifier'] !== undefined && target['function'] === undefined) problems.push(`${at}.qualifier: applies to a function target only`);
    const name = target['name'];
    if (typeof name === 'string' && seen.has(name)) problems.push(`${at}.name: "${name}" names another target too; names must be unique`);
    if (typeof name === 'string') seen.add(name);
  });
  return problems;
}

/** `src/orders.ts#handler` or Lambda's `src/orders.handler`, the path part resolved against the config's directory. */
function resolveHandler(ref: string, base: string): string {
  const hash = ref.lastIndexOf('#');
  return hash === -1 ? resolve(base, ref) : `${resolve(base, ref.slice(0, hash))}${ref.slice(hash)}`;
}

function resolvePaths(options: TargetOptions, base: string): TargetOptions {
  const at = (path: string): string => (isAbsolute(path) ? path : resolve(base, path));
  return {
    ...options,
    ...(options.samples !== undefined ? { samples: options.samples.map(at) } : {}),
    ...(options.reports !== undefined ? { reports: options.reports.map(at) } : {}),
    ...(options.writableRoots !== undefined ? { writableRoots: options.writableRoots.map(at) } : {}),
    ...(options.taskRoot !== undefined ? { taskRoot: at(options.taskRoot) } : {}),
    ...(options.corpus !== undefined ? { corpus: at(options.corpus) } : {}),
  };
}

/** A path as messages show it: relative to the working directory when below it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
