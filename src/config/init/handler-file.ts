import { existsSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import type { SourceId } from '../../../generators/index.js';
import type { DetectedFunction } from './types.js';
import { asObject, asString } from './types.js';

/** The extensions a Lambda handler module may have locally, TypeScript first: a built `.js` beside it is output. */
export const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs', '.cts'] as const;

/** A handler string resolved to a file of the project, or why it could not be. */
export type HandlerFile = { readonly ok: true; readonly handler: string } | { readonly ok: false; readonly reason: string };

/**
 * Lambda's `dir/file.export` notation (the export after the last dot), under `codeDir`, to an existing file:
 * `src/orders.handler` → `src/orders.ts#handler`. The result is relative to `projectDir`, with `/` separators,
 * as it goes into the config file.
 */
export function resolveHandlerFile(handler: string, codeDir: string, projectDir: string): HandlerFile {
  const dot = handler.lastIndexOf('.');
  const slash = handler.lastIndexOf('/');
  if (dot <= slash + 1 || dot === handler.length - 1) return { ok: false, reason: `handler "${handler}" is not Lambda's file.export notation` };
  const module = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const tried = HANDLER_EXTENSIONS.map((extension) => join(codeDir, `${module}${extension}`));
  const file = tried.find((path) => existsSync(path) && statSync(path).isFile());
  if (file === undefined) {
    const looked = toPosix(relative(projectDir, join(codeDir, module)));
    return { ok: false, reason: `no file ${looked}.{${HANDLER_EXTENSIONS.map((e) => e.slice(1)).join(',')}} for handler "${handler}"` };
  }
  return { ok: true, handler: `${toPosix(relative(projectDir, file))}#${exportName}` };
}

const toPosix = (path: string): string => path.split(sep).join(posix.sep);

/** Whether a Lambda runtime id runs Node.js; an absent runtime is left to the caller (each tool defaults differently). */
export const isNodeRuntime = (runtime: string): boolean => /^nodejs/i.test(runtime);

/** SAM / CloudFormation event types and serverless.yml event keys, to eventfuzz sources. */
export const EVENT_SOURCES: Readonly<Record<string, SourceId>> = {
  // SAM `Events.<id>.Type`
  Api: 'apigw-rest',
  HttpApi: 'apigw-http',
  S3: 's3',
  SQS: 'sqs',
  SNS: 'sns',
  // serverless.yml `events[].<key>`
  http: 'apigw-rest',
  httpApi: 'apigw-http',
  s3: 's3',
  sqs: 'sqs',
  sns: 'sns',
};

/**
 * A source for a function none of whose events eventfuzz knows (or that has none in the template): read from its
 * name or handler (`OrdersQueueConsumer` → sqs), else an API, the most common way in from outside.
 */
export function guessSource(...names: readonly string[]): SourceId {
  const text = names.join(' ');
  if (/queue|sqs|consumer|worker/i.test(text)) return 'sqs';
  if (/topic|sns|notif|subscri/i.test(text)) return 'sns';
  if (/bucket|s3|upload|object|thumbnail|image/i.test(text)) return 's3';
  if (/http/i.test(text)) return 'apigw-http';
  return 'apigw-rest';
}

/** A config target name (letters, digits, `.`, `_`, `-`: it names the target's corpus directory). */
export const targetName = (name: string): string => name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'function';

/** What a detector read about one function, before its handler file is looked for. */
export interface FunctionFacts {
  readonly name: string;
  /** Lambda's `dir/file.export`, or what the project file held instead (an intrinsic, nothing). */
  readonly handler: unknown;
  readonly runtime: unknown;
  /** Absolute directory the handler path is relative to (SAM `CodeUri`, a CDK asset, the service root). */
  readonly codeDir: string;
  /** The eventfuzz sources of its events, in order. */
  readonly sources: readonly SourceId[];
  /** Its events eventfuzz has no source for (`Schedule`, `dynamodb`), for the note. */
  readonly otherEvents: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * One function of a project file as targets, one per source that invokes it (the first keeps the function's name,
 * the others are `<name>-<source>`), or a note saying why it is skipped; guesses are noted too.
 */
export function toDetected(facts: FunctionFacts, projectDir: string, notes: string[]): DetectedFunction[] {
  const { name } = facts;
  if (typeof facts.runtime === 'string' && !isNodeRuntime(facts.runtime)) {
    notes.push(`${name}: skipped, runtime ${facts.runtime} (eventfuzz fuzzes Node.js handlers)`);
    return [];
  }
  if (typeof facts.handler !== 'string') {
    notes.push(`${name}: skipped, ${facts.handler === undefined ? 'no Handler' : `its handler is not a plain string (${JSON.stringify(facts.handler)})`}`);
    return [];
  }
  const file = resolveHandlerFile(facts.handler, facts.codeDir, projectDir);
  if (!file.ok) {
    notes.push(`${name}: skipped, ${file.reason} (build it first, or add the target by hand)`);
    return [];
  }
  const target = (source: SourceId, sourceFrom: DetectedFunction['sourceFrom'], suffix: string): DetectedFunction => ({ name: targetName(`${name}${suffix}`), handler: file.handler, source, sourceFrom, env: facts.env });
  if (facts.sources.length === 0) {
    const source = guessSource(name, facts.handler);
    const has = facts.otherEvents.length > 0 ? `its events (${[...new Set(facts.otherEvents)].join(', ')}) have no eventfuzz source` : 'no event source found';
    notes.push(`${name}: ${has}; source "${source}" is a guess, check it in the config`);
    return [target(source, 'guess', '')];
  }
  // Every trigger is an entry point: a function behind an API and a queue is fuzzed as both.
  return facts.sources.map((source, at) => target(source, 'event', at === 0 ? '' : `-${source}`));
}

/**
 * Environment variables whose value is known without deploying: strings, numbers and booleans as text, `Ref` of
 * a template parameter as its default, and `Ref` of a resource as its logical id (a stand-in name a handler can
 * run with). The others (`Fn::GetAtt`, `Fn::ImportValue`, unresolved variables) are left out.
 */
export function knownEnv(layers: readonly unknown[], parameterDefaults: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(asObject(layer) ?? {})) {
      const ref = asString(asObject(value)?.['Ref']);
      if (typeof value === 'string' && !value.includes('${')) env[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') env[key] = String(value);
      else if (ref !== undefined && !ref.startsWith('AWS::')) env[key] = parameterDefaults[ref] ?? ref;
    }
  }
  return env;
}
