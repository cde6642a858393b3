import type { z } from 'zod';
import type { Payload } from './types.js';
import type { PayloadEntry } from './schema.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../core/errors.js';
import { payloadsDir } from './payloads-dir.js';
import { MAX_EXPANDED_LENGTH, PayloadFileSchema } from './schema.js';
import { renderPayload } from './types.js';

/** Options of {@link loadPayloads}. */
export interface LoadPayloadsOptions {
  /** A directory of `<family>.json` files; defaults to the package's own corpus (cached after the first load). */
  readonly dir?: string;
}

/** Options of {@link selectPayloads}. */
export interface SelectPayloadsOptions {
  /** Keep only this family; `undefined` keeps every payload. */
  readonly family?: string | undefined;
}

/** A syntactically valid canary, used to check that `json: true` templates render to JSON. */
const SAMPLE_TOKEN = 'efz000000000000';
/** Files in the corpus directory that are not payload files. */
const isPayloadFile = (name: string): boolean => name.endsWith('.json') && !name.endsWith('.schema.json');

let defaultCorpus: readonly Payload[] | undefined;

/**
 * Loads and validates every `<family>.json` in the corpus directory, in file-name order, keeping each file's
 * payload order (the first payload of a family is its shrink target). Synchronous: it runs once at startup.
 * @throws HarnessError `EFZ_PAYLOAD_INVALID` naming the file and field, for the first invalid file.
 */
export function loadPayloads(options: LoadPayloadsOptions = {}): readonly Payload[] {
  if (options.dir === undefined) return (defaultCorpus ??= loadDir(payloadsDir(), (file) => `payloads/${file}`));
  const dir = options.dir;
  return loadDir(dir, (file) => join(dir, file));
}

/** The families present in `payloads`, sorted, without duplicates. */
export function payloadFamilies(payloads: readonly Payload[]): readonly string[] {
  return [...new Set(payloads.map((p) => p.family))].sort();
}

/**
 * The payloads of one family, or all of them when no family is given.
 * @throws HarnessError `EFZ_UNKNOWN_CATEGORY` listing the known families, for a family not in `payloads`.
 */
export function selectPayloads(payloads: readonly Payload[], options: SelectPayloadsOptions = {}): readonly Payload[] {
  const { family } = options;
  if (family === undefined) return payloads;
  const selected = payloads.filter((p) => p.family === family);
  if (selected.length === 0) {
    throw new HarnessError(
      'EFZ_UNKNOWN_CATEGORY',
      `Unknown payload family "${family}". Known families: ${payloadFamilies(payloads).join(', ')}.`,
    );
  }
  return selected;
}

function loadDir(dir: string, label: (file: string) => string): readonly Payload[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter(isPayloadFile).sort();
  } catch (error) {
    throw new HarnessError('EFZ_PAYLOAD_INVALID', `Cannot read the payload directory ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (files.length === 0) throw new HarnessError('EFZ_PAYLOAD_INVALID', `No payload files (*.json) in ${dir}.`);
  const out: Payload[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const where = label(file);
    for (const payload of loadFile(join(dir, file), file, where)) {
      const first = seen.get(payload.id);
      if (first !== undefined) {
        throw new HarnessError('EFZ_PAYLOAD_INVALID', `${where}: id "${payload.id}" is already used in ${first}; ids are unique across the corpus.`);
      }
      seen.set(payload.id, where);
      out.push(payload);
    }
  }
  return Object.freeze(out);
}

function loadFile(path: string, file: string, where: string): Payload[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new HarnessError('EFZ_PAYLOAD_INVALID', `${where}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = PayloadFileSchema.safeParse(raw);
  if (!parsed.success) throw new HarnessError('EFZ_PAYLOAD_INVALID', formatIssues(where, parsed.error.issues, raw));
  const { family, payloads } = parsed.data;
  const expectedFamily = file.slice(0, -'.json'.length);
  if (family !== expectedFamily) {
    fail(where, 'family', `"${family}" does not match the file name; rename the file to ${family}.json or the family to "${expectedFamily}"`);
  }
  return payloads.map((entry, index) => toPayload(entry, family, where, `payloads[${index}]`));
}

function toPayload(entry: PayloadEntry, family: string, where: string, at: string): Payload {
  const template = expand(entry, where, at);
  if (entry.json === true) {
    try {
      JSON.parse(renderPayload(template, SAMPLE_TOKEN));
    } catch (error) {
      fail(where, `${at}.template`, `"json" is true but the rendered template is not JSON (${(error as Error).message}) (payload "${entry.id}")`);
    }
  }
  return Object.freeze({
    id: entry.id,
    family,
    template,
    contexts: Object.freeze([...entry.contexts]),
    confirms: Object.freeze([...entry.confirms]),
    proves: entry.proves,
    ...(entry.json === undefined ? {} : { json: entry.json }),
    ...(entry.ref === undefined ? {} : { ref: entry.ref }),
  });
}

/** Replaces each declared `{{name}}` with its repeated text; an unused declaration is an error (likely a typo). */
function expand(entry: PayloadEntry, where: string, at: string): string {
  let template = entry.template;
  for (const [name, { text, times }] of Object.entries(entry.expand ?? {})) {
    if (name === 'token') fail(where, `${at}.expand.token`, `the name "token" is reserved for the canary (payload "${entry.id}")`);
    if (name === 'a' || name === 'b') fail(where, `${at}.expand.${name}`, `the name "${name}" is reserved for the marker operands (payload "${entry.id}")`);
    const placeholder = `{{${name}}}`;
    if (!template.includes(placeholder)) fail(where, `${at}.expand.${name}`, `${placeholder} does not occur in the template (payload "${entry.id}")`);
    template = template.replaceAll(placeholder, text.repeat(times));
    if (template.length > MAX_EXPANDED_LENGTH) {
      fail(where, `${at}.expand.${name}`, `the expanded template exceeds ${MAX_EXPANDED_LENGTH} characters (payload "${entry.id}")`);
    }
  }
  return template;
}

function fail(where: string, field: string, problem: string): never {
  throw new HarnessError('EFZ_PAYLOAD_INVALID', `${where}: ${field}: ${problem}.`);
}

/** One line per issue (at most five): `payloads/x.json: payloads[3].contexts[0]: Invalid option … (payload "ci-foo")`. */
function formatIssues(where: string, issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  const lines = issues.slice(0, 5).map((issue) => {
    const id = payloadIdAt(raw, issue.path);
    // Record-key issues carry the real reason one level down ("Invalid key in record" alone says too little).
    const detail = issue.code === 'invalid_key' ? `: ${issue.issues.map((inner) => inner.message).join('; ')}` : '';
    return `${where}: ${formatPath(issue.path)}: ${issue.message}${detail}${id === undefined ? '' : ` (payload "${id}")`}`;
  });
  if (issues.length > 5) lines.push(`${where}: … and ${issues.length - 5} more problems`);
  return lines.join('\n');
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(file)';
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`))
    .join('');
}

/** The `id` of the payload an issue points into, when the raw file has one there. */
function payloadIdAt(raw: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'payloads' || typeof path[1] !== 'number') return undefined;
  const list = (raw as { payloads?: unknown }).payloads;
  const entry = Array.isArray(list) ? (list[path[1]] as unknown) : undefined;
  const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}
