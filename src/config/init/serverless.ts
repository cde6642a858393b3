import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceId } from '../../../generators/index.js';
import { parseTemplate } from './cloudformation-yaml.js';
import { EVENT_SOURCES, knownEnv, toDetected } from './handler-file.js';
import type { DetectedFunction, Detection } from './types.js';
import { asObject } from './types.js';

/** The names the Serverless Framework looks for (its `.js`/`.ts` configs would have to run: not read). */
export const SERVERLESS_FILES = ['serverless.yml', 'serverless.yaml'] as const;

/**
 * The Node.js functions of a `serverless.yml` in `projectDir`: `functions.<key>.handler` under the service
 * root, the runtime of the function or `provider.runtime` (Node.js when neither says), sources from `events`
 * (`http`, `httpApi`, `s3`, `sqs`, `sns`). `${self:…}` variables are resolved from the file itself and the others
 * to their default (`${opt:stage, 'dev'}` → `dev`); a handler that still holds one is skipped with a note.
 * @see https://www.serverless.com/framework/docs/providers/aws/guide/functions
 */
export function detectServerless(projectDir: string): Detection | undefined {
  const file = SERVERLESS_FILES.find((name) => existsSync(join(projectDir, name)));
  if (file === undefined) return undefined;
  const root = parseTemplate(readFileSync(join(projectDir, file), 'utf8'), file);
  const service = asObject(root) ?? {};
  const text = (value: unknown): unknown => (typeof value === 'string' ? resolveVariables(value, root) : value);
  const provider = asObject(service['provider']) ?? {};
  const notes: string[] = [];
  const functions: DetectedFunction[] = [];
  // `functions` is a map, or a list of maps (one per included file) merged in order.
  const declared = Array.isArray(service['functions']) ? Object.assign({}, ...service['functions'].map((part: unknown) => asObject(part) ?? {})) : asObject(service['functions']) ?? {};
  for (const [key, value] of Object.entries(declared as Record<string, unknown>)) {
    const fn = asObject(value) ?? {};
    if (fn['image'] !== undefined) {
      notes.push(`${key}: skipped, a container image function`);
      continue;
    }
    const { sources, otherEvents } = eventSources(fn['events']);
    const handler = text(fn['handler']);
    const detected = toDetected(
      {
        name: key,
        handler: typeof handler === 'string' && handler.includes('${') ? { unresolved: handler } : handler,
        runtime: text(fn['runtime'] ?? provider['runtime']) ?? 'nodejs',
        codeDir: projectDir,
        sources,
        otherEvents,
        env: knownEnv([resolveAll(provider['environment'], root), resolveAll(fn['environment'], root)]),
      },
      projectDir,
      notes,
    );
    functions.push(...detected);
  }
  return { kind: 'serverless', file, functions, notes };
}

function eventSources(events: unknown): { sources: SourceId[]; otherEvents: string[] } {
  const sources: SourceId[] = [];
  const otherEvents: string[] = [];
  for (const event of Array.isArray(events) ? events : []) {
    for (const key of Object.keys(asObject(event) ?? {})) {
      const source = EVENT_SOURCES[key];
      if (source === undefined) otherEvents.push(key);
      else if (!sources.includes(source)) sources.push(source);
    }
  }
  return { sources, otherEvents };
}

/** The string values of a map with their variables resolved. */
function resolveAll(map: unknown, root: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(asObject(map) ?? {}).map(([key, value]) => [key, typeof value === 'string' ? resolveVariables(value, root) : value]));
}

const OPEN = '\u0001';
const CLOSE = '\u0002';

/**
 * Resolves the Serverless Framework variables `init` can know without running it, innermost first:
 * `${self:path.to.value}` from the file, and any other with a default to the default. The rest stay as written.
 */
export function resolveVariables(value: string, root: unknown): string {
  let text = value;
  for (let round = 0; round < 10 && /\$\{[^{}]*\}/.test(text); round++) {
    text = text.replace(/\$\{([^{}]*)\}/g, (_all, expression: string) => resolveOne(expression, root) ?? `${OPEN}${expression}${CLOSE}`);
  }
  return text.replaceAll(OPEN, '${').replaceAll(CLOSE, '}');
}

function resolveOne(expression: string, root: unknown): string | undefined {
  const [reference = '', ...defaults] = expression.split(',').map((part) => part.trim());
  if (reference.startsWith('self:')) {
    let at: unknown = root;
    for (const key of reference.slice('self:'.length).split('.').filter((k) => k !== '')) at = asObject(at)?.[key];
    if (typeof at === 'string' || typeof at === 'number' || typeof at === 'boolean') return String(at);
  }
  const fallback = defaults.join(',').trim();
  if (fallback === '' || fallback.includes(OPEN)) return undefined;
  return fallback.replace(/^(['"])(.*)\1$/, '$2');
}
