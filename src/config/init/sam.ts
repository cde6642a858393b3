import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceId } from '../../../generators/index.js';
import { parseTemplate } from './cloudformation-yaml.js';
import type { FunctionFacts } from './handler-file.js';
import { EVENT_SOURCES, knownEnv, toDetected } from './handler-file.js';
import { referencedSources } from './lambda-events.js';
import type { DetectedFunction, Detection } from './types.js';
import { asObject, asString } from './types.js';

/** The template names SAM CLI looks for, in its order. */
export const SAM_TEMPLATE_FILES = ['template.yaml', 'template.yml', 'template.json'] as const;

/**
 * The Node.js functions of a SAM or CloudFormation template in `projectDir`: `AWS::Serverless::Function`
 * (Handler, Runtime and CodeUri falling back to `Globals.Function`, sources from `Events`) and
 * `AWS::Lambda::Function` (Handler, a local `Code` path, sources from the resources that invoke it).
 * `undefined` when there is no template.
 * @see https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html
 */
export function detectSam(projectDir: string): Detection | undefined {
  const file = SAM_TEMPLATE_FILES.find((name) => existsSync(join(projectDir, name)));
  if (file === undefined) return undefined;
  const template = asObject(parseTemplate(readFileSync(join(projectDir, file), 'utf8'), file)) ?? {};
  const resources = asObject(template['Resources']) ?? {};
  const globals = asObject(asObject(template['Globals'])?.['Function']) ?? {};
  const parameters = parameterDefaults(template['Parameters']);
  const notes: string[] = [];
  const functions: DetectedFunction[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const type = asObject(resource)?.['Type'];
    const props = asObject(asObject(resource)?.['Properties']) ?? {};
    const facts =
      type === 'AWS::Serverless::Function' ? serverlessFunction(id, props, globals, parameters, projectDir, notes)
      : type === 'AWS::Lambda::Function' ? lambdaFunction(id, props, resources, parameters, projectDir, notes)
      : undefined;
    if (facts !== undefined) functions.push(...toDetected(facts, projectDir, notes));
  }
  return { kind: 'sam', file, functions, notes };
}

function serverlessFunction(id: string, props: Readonly<Record<string, unknown>>, globals: Readonly<Record<string, unknown>>, parameters: Readonly<Record<string, string>>, projectDir: string, notes: string[]): FunctionFacts | undefined {
  const fallback = (key: string): unknown => props[key] ?? globals[key];
  if (fallback('PackageType') === 'Image') return skip(notes, id, 'a container image function');
  if (props['InlineCode'] !== undefined) return skip(notes, id, 'inline code');
  const sources: SourceId[] = [];
  const otherEvents: string[] = [];
  for (const event of Object.values(asObject(props['Events']) ?? {})) {
    const type = asString(asObject(event)?.['Type']) ?? '?';
    const source = EVENT_SOURCES[type];
    if (source === undefined) otherEvents.push(type);
    else if (!sources.includes(source)) sources.push(source);
  }
  // CodeUri may also be an S3 location ({ Bucket, Key }): then the code is not here, and the handler is looked for at the root.
  const codeUri = asString(fallback('CodeUri')) ?? '.';
  return {
    name: id,
    handler: fallback('Handler'),
    runtime: fallback('Runtime'),
    codeDir: resolve(projectDir, codeUri),
    sources,
    otherEvents,
    env: knownEnv([asObject(globals['Environment'])?.['Variables'], asObject(props['Environment'])?.['Variables']], parameters),
  };
}

function lambdaFunction(id: string, props: Readonly<Record<string, unknown>>, resources: Readonly<Record<string, unknown>>, parameters: Readonly<Record<string, string>>, projectDir: string, notes: string[]): FunctionFacts | undefined {
  if (props['PackageType'] === 'Image') return skip(notes, id, 'a container image function');
  const code = props['Code'];
  if (asObject(code)?.['ZipFile'] !== undefined) return skip(notes, id, 'inline code (Code.ZipFile)');
  return {
    name: id,
    handler: props['Handler'],
    runtime: props['Runtime'],
    // A local path is what `aws cloudformation package` uploads; an S3 location leaves only the project root to look in.
    codeDir: resolve(projectDir, asString(code) ?? '.'),
    sources: referencedSources(resources, id),
    otherEvents: [],
    env: knownEnv([asObject(props['Environment'])?.['Variables']], parameters),
  };
}

/** `Parameters.<name>.Default` of the string parameters: what `!Ref Stage` is when nobody overrides it. */
function parameterDefaults(parameters: unknown): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(asObject(parameters) ?? {})) {
    const value = asObject(parameter)?.['Default'];
    if (typeof value === 'string' || typeof value === 'number') defaults[name] = String(value);
  }
  return defaults;
}

function skip(notes: string[], id: string, why: string): undefined {
  notes.push(`${id}: skipped, ${why}`);
  return undefined;
}
