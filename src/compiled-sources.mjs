// Plain JavaScript on purpose: it is what lets the rest run without a TypeScript loader.
//
// eventfuzz runs from its TypeScript sources (no build step between `npm install` and use). The CLI and every
// warm instance (a worker thread or a child process) would then register tsx only to load eventfuzz's own code:
// ~0.3 s of CPU per start (tsx's loader thread and esbuild's service), paid again for every instance a crash
// replaces, and ~1 s more for the CLI to load its sources through the loader. So the sources are compiled to
// JavaScript once, with esbuild (what tsx transforms with, so the code means the same), into a cache directory
// named by a hash of their content; the CLI and the instances load that and register tsx only for TypeScript
// handlers. When anything stands in the way (no node_modules to put the cache in, a read-only disk),
// callers keep the TypeScript file and tsx, as before.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync, version as esbuildVersion } from 'esbuild';

/** What is compiled: eventfuzz's code. */
const CODE = ['src', 'generators'];
/** What is copied beside it, because the code finds it relative to itself (its version, its payload corpus). */
const DATA = ['package.json', 'payloads'];
/**
 * Marks a whole compilation. A compilation appears by rename once written, so only a directory whose contents
 * someone removed lacks it; that one is compiled again rather than loaded.
 */
const COMPLETE = '.complete';
/** Compilations of other sources are removed once unused this long (each use touches its directory). */
const STALE_MS = 7 * 24 * 60 * 60 * 1000;

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Per process: the compiled root, null when it cannot be had, undefined before the first call. */
let compiledHere;

/**
 * The compiled JavaScript twin of a `.ts` module of eventfuzz's own code, compiling it all on the first call
 * of the process; undefined when it is not a source file of this package or when compiling is not possible.
 * @param {URL} sourceUrl
 * @returns {URL | undefined}
 */
export function compiledSourceUrl(sourceUrl) {
  if (compiledHere === undefined) {
    try {
      compiledHere = compileSources(PACKAGE_ROOT);
    } catch {
      compiledHere = null;
    }
  }
  return compiledHere === null ? undefined : compiledTwin(PACKAGE_ROOT, compiledHere, sourceUrl);
}

/**
 * Where `sourceUrl` (a `.ts` file of `packageRoot`'s code) lands in the compilation at `compiledRoot`.
 * @param {string} packageRoot
 * @param {string} compiledRoot
 * @param {URL} sourceUrl
 * @returns {URL | undefined}
 */
export function compiledTwin(packageRoot, compiledRoot, sourceUrl) {
  const path = relative(packageRoot, fileURLToPath(sourceUrl));
  if (!CODE.some((tree) => path.startsWith(tree + sep)) || !path.endsWith('.ts')) return undefined;
  return pathToFileURL(join(compiledRoot, path.replace(/\.ts$/, '.js')));
}

/**
 * Copies eventfuzz's code and data into `packageRoot`/node_modules/.cache/eventfuzz/sources-<hash> (reused while
 * they are unchanged) with each `.ts` file compiled to a `.js` beside it, and returns that directory. Relative
 * imports (written with `.js`) and files found by their URL (the `.ts` entries `eventfuzz layer` bundles, the
 * payloads) resolve as in the package; packages resolve through `packageRoot`/node_modules, which is why that is
 * where the cache lives (and why there is none without it). Throws when it cannot.
 * @param {string} packageRoot
 * @returns {string}
 */
export function compileSources(packageRoot) {
  const modules = join(packageRoot, 'node_modules');
  if (!existsSync(modules)) throw new Error(`no ${modules} to keep compiled sources in`);
  const files = [...CODE, ...DATA].flatMap((name) => listFiles(join(packageRoot, name))).map((file) => relative(packageRoot, file));
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion} node ${process.versions.node}\n`);
  for (const file of files) hash.update(`${file}\n`).update(readFileSync(join(packageRoot, file))).update('\n');
  const cache = join(modules, '.cache', 'eventfuzz');
  const dir = join(cache, `sources-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, COMPLETE))) {
    touch(dir);
    return dir;
  }

  mkdirSync(cache, { recursive: true });
  removeStale(cache, dir);
  // Written beside and renamed into place, so a concurrent run never loads a half-written tree.
  const temp = `${dir}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    const typescript = files.filter((file) => file.endsWith('.ts') && !/\.d\.[cm]?ts$/.test(file) && CODE.some((tree) => file.startsWith(tree + sep)));
    buildSync({
      absWorkingDir: packageRoot,
      entryPoints: typescript,
      outdir: temp,
      outbase: '.',
      bundle: false,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      logLevel: 'silent',
    });
    for (const file of files) cpSync(join(packageRoot, file), join(temp, file));
    writeFileSync(join(temp, COMPLETE), '');
    if (existsSync(dir) && !existsSync(join(dir, COMPLETE))) rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (existsSync(join(dir, COMPLETE))) return dir; // another run finished the same compilation first
    throw error;
  }
  return dir;
}

/** @param {string} dir */
function touch(dir) {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
  } catch {
    // Read-only: the compilation is still good, only its age is not refreshed.
  }
}

/**
 * Every file under `path`, sorted (so the hash does not depend on directory order); `path` itself if a file.
 * @param {string} path
 * @returns {string[]}
 */
function listFiles(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() || entry.isFile() ? listFiles(join(path, entry.name)) : []))
    .sort();
}

/** Best effort: compilations of other sources not touched for a week. @param {string} cache @param {string} keep */
function removeStale(cache, keep) {
  try {
    for (const name of readdirSync(cache)) {
      const path = join(cache, name);
      if (path === keep || !name.startsWith('sources-')) continue;
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    }
  } catch {
    // Another run may be removing the same directories.
  }
}
