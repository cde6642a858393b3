import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { HarnessError } from '../core/index.js';
import type { CorpusEntry } from './entry.js';
import { readSeeds } from './seeds.js';
import { corpusFiles, entryPath, entryText, readCorpus, SEEDS_DIR, writeFileAtomically } from './store.js';

/** What `eventfuzz corpus merge` did: counts for the summary line, and the files it wrote and removed. */
export interface MergeSummary {
  readonly out: string;
  readonly inputs: readonly string[];
  /** Whether `out` already held a corpus, which took part in the merge. */
  readonly intoExisting: boolean;
  readonly findings: { readonly read: number; readonly kept: number; readonly duplicates: number };
  readonly seeds: { readonly read: number; readonly kept: number; readonly duplicates: number };
  /** Files written under `out`, relative to it, sorted. */
  readonly written: readonly string[];
  /** Files that were in `out` before and are now duplicates of a kept one (relative to `out`), removed. */
  readonly removed: readonly string[];
}

const CONFIDENCE_RANK: Readonly<Record<CorpusEntry['finding']['confidence'], number>> = { confirmed: 1, tainted: 0 };

/**
 * Joins corpora (the shards of a CI matrix, or new findings into the committed corpus) into `out`. One entry per
 * bug: entries with the same target, oracle and dedupe key are one finding, of which the strongest proof is
 * kept (confirmed before tainted), then the smallest case (the better shrunk one), then the lowest id. Seed
 * events are copied under `out/seeds/`, identical ones once. The result depends on the set of inputs only, not
 * their order, and merging again changes nothing.
 *
 * Everything is read and checked before anything is written: a damaged input is an error naming it, and `out`
 * is left as it was. An existing `out` takes part as one more input, so merging into a committed corpus keeps
 * what it holds.
 */
export function mergeCorpora(inputs: readonly string[], outDir: string): MergeSummary {
  if (inputs.length === 0) throw new HarnessError('EFZ_USAGE', 'corpus merge: name at least one corpus directory to merge.');
  const out = resolve(outDir);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new HarnessError('EFZ_USAGE', `--out ${outDir}: exists and is not a directory.`);
  for (const input of inputs) if (!existsSync(input)) throw new HarnessError('EFZ_CORPUS_INVALID', `Corpus path "${input}" does not exist.`);
  const given = [...new Set(inputs.map((input) => resolve(input)))];
  const intoExisting = existsSync(out) && !given.includes(out);
  const sources = intoExisting ? [...given, out] : given;
  for (const source of sources) {
    if (source === out) continue;
    if (isInside(out, source)) throw new HarnessError('EFZ_USAGE', `corpus merge: ${shown(source)} is inside --out ${outDir}; merge into a directory of its own.`);
    if (isInside(source, out)) throw new HarnessError('EFZ_USAGE', `corpus merge: --out ${outDir} is inside ${shown(source)}, which it merges; merge into a directory of its own.`);
  }
  // A file named twice (a directory and a file in it) is read once.
  const entries = uniqueBy(readCorpus(sources), ({ file }) => file);
  const seeds = readSeedFiles(sources);

  const findings = keepStrongest(entries);
  const plannedFindings = placeFindings(findings.map(({ entry }) => entry));
  const plannedSeeds = placeSeeds(seeds);
  const planned = new Map([...plannedFindings, ...plannedSeeds]);

  // What `out` held and the plan does not rewrite in place is now a duplicate of something kept: remove it,
  // or the next merge (and replay) would read it again. Files that are no corpus file at all are left alone.
  const removed = [...entries.map(({ file }) => file), ...seeds.map(({ file }) => file)].filter((file) => isInside(out, file) && !planned.has(relative(out, file)));

  const written: string[] = [];
  for (const [path, text] of [...planned].sort(([a], [b]) => a.localeCompare(b))) {
    const file = join(out, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue; // idempotent: a second merge touches nothing
    writeFileAtomically(file, text);
    written.push(path);
  }
  for (const file of removed) rmSync(file, { force: true });

  return {
    out,
    inputs: given,
    intoExisting,
    findings: { read: entries.length, kept: plannedFindings.size, duplicates: entries.length - plannedFindings.size },
    seeds: { read: seeds.length, kept: plannedSeeds.size, duplicates: seeds.length - plannedSeeds.size },
    written,
    removed: removed.map((file) => relative(out, file)).sort(),
  };
}

/** The finding each bug keeps, with the file it came from. */
function keepStrongest(entries: readonly { file: string; entry: CorpusEntry }[]): { file: string; entry: CorpusEntry }[] {
  const best = new Map<string, { file: string; entry: CorpusEntry; size: number }>();
  for (const { file, entry } of entries) {
    const key = JSON.stringify([entry.target.kind, entry.target.ref, entry.finding.oracle, entry.finding.dedupeKey]);
    const candidate = { file, entry, size: JSON.stringify(entry.case).length };
    const held = best.get(key);
    if (held === undefined || isBetter(candidate, held)) best.set(key, candidate);
  }
  return [...best.values()];
}

function isBetter(a: { entry: CorpusEntry; size: number; file: string }, b: { entry: CorpusEntry; size: number; file: string }): boolean {
  const confidence = CONFIDENCE_RANK[a.entry.finding.confidence] - CONFIDENCE_RANK[b.entry.finding.confidence];
  if (confidence !== 0) return confidence > 0;
  if (a.size !== b.size) return a.size < b.size;
  if (a.entry.id !== b.entry.id) return a.entry.id < b.entry.id;
  // The same finding, the same size: any is right, but the choice must not depend on the order of the inputs.
  return entryText(a.entry) < entryText(b.entry);
}

/**
 * Where each kept finding goes: `<source>/<oracle>-<id>.json`, as the store writes it. The id is a hash of the
 * dedupe key, so two targets with the same bug would meet at one path; then each gets its target's hash too.
 */
function placeFindings(entries: readonly CorpusEntry[]): Map<string, string> {
  const byPath = new Map<string, CorpusEntry[]>();
  for (const entry of entries) {
    const path = entryPath(entry.case.source, entry.finding.oracle, entry.id);
    byPath.set(path, [...(byPath.get(path) ?? []), entry]);
  }
  const placed = new Map<string, string>();
  for (const [path, sharing] of byPath) {
    for (const entry of sharing) {
      const at = sharing.length === 1 ? path : path.replace(/\.json$/, `-${shortHash(JSON.stringify(entry.target))}.json`);
      placed.set(at, entryText(entry));
    }
  }
  return placed;
}

interface SeedFile {
  readonly file: string;
  /** The path inside its corpus's `seeds/` directory (`sqs/order.json`). */
  readonly name: string;
  readonly text: string;
}

/** The seed files of the inputs, each checked (a damaged one is an error) and read as it is written. */
function readSeedFiles(sources: readonly string[]): SeedFile[] {
  readSeeds(sources); // the check: every seed must parse, as replay will need it to
  const files = uniqueBy(corpusFiles(sources).seeds, ({ file }) => file);
  return files.map(({ file }) => ({ file, name: pathInSeeds(file), text: readFileSync(file, 'utf8') }));
}

/**
 * Seeds are copied under `seeds/` at the path they had there. Identical seeds (the same JSON, however it was
 * laid out) are one; different seeds at the same path all stay, each named by its content's hash.
 */
function placeSeeds(seeds: readonly SeedFile[]): Map<string, string> {
  const distinct = new Map<string, Map<string, string>>(); // path → content hash → text
  for (const seed of seeds) {
    const canonical = canonicalJson(JSON.parse(seed.text) as unknown);
    const hash = shortHash(canonical);
    const at = distinct.get(seed.name) ?? new Map<string, string>();
    const held = at.get(hash);
    if (held === undefined || seed.text < held) at.set(hash, seed.text); // the same seed written two ways: one of them, by content
    distinct.set(seed.name, at);
  }
  const placed = new Map<string, string>();
  for (const [name, versions] of distinct) {
    for (const [hash, text] of versions) {
      placed.set(join(SEEDS_DIR, versions.size === 1 ? name : name.replace(/(\.json)?$/, `-${hash}.json`)), text.endsWith('\n') ? text : `${text}\n`);
    }
  }
  return placed;
}

/** `a/seeds/sqs/order.json` → `sqs/order.json`: the part after the innermost `seeds` directory. */
function pathInSeeds(file: string): string {
  const parts = file.split(sep);
  const at = parts.lastIndexOf(SEEDS_DIR);
  return at === -1 ? basename(file) : parts.slice(at + 1).join(sep);
}

/** JSON with object keys sorted: the same document, whatever order its keys were written in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)) !== undefined);
}

function shown(path: string): string {
  return relative(process.cwd(), path) || path;
}
