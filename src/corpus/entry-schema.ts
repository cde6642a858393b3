import { z } from 'zod';
import { CANARY_PATTERN } from '../core/index.js';

/*
 * The corpus entry format, version 1 (src/corpus/entry.ts has the same shape as TypeScript types): what `replay`
 * accepts, and what src/corpus/corpus-entry.schema.json publishes for other tools. Objects are loose: a later
 * eventfuzz may add keys, and an older one replays what it knows.
 */

const injection = z.looseObject({
  point: z.string().describe('the declared injection point, with wildcards: Records[*].body'),
  target: z.string().describe('the concrete field written: Records[0].body<json>.orderId'),
  payloadId: z.string(),
  family: z.string().describe("the payload's category: command-injection, path-traversal, …"),
  placement: z.enum(['replace', 'append', 'before-extension', 'segment']),
  payload: z.string().describe('the rendered payload, canary filled in'),
});

const fuzzCase = z.looseObject({
  source: z.string().describe('the event source: apigw-rest, apigw-http, s3, sqs, sns, …'),
  event: z.unknown().describe('the event exactly as it is sent to the handler'),
  canary: z.string().regex(new RegExp(`^${CANARY_PATTERN.source}$`), 'is not an eventfuzz canary (efz and 12 lowercase letters or digits)'),
  injection: injection.nullable(),
  mutators: z.array(z.string()).optional(),
});

export const CorpusEntrySchema = z
  .looseObject({
    version: z.literal(1),
    id: z.string().optional(),
    tool: z.looseObject({ name: z.literal('eventfuzz'), version: z.string() }).optional(),
    target: z.looseObject({
      kind: z.enum(['local', 'lambda', 'http']),
      ref: z.string().describe('path/to/handler.ts#handler (relative to where eventfuzz ran), a function name or ARN, or a URL'),
    }),
    seed: z.number().int(),
    finding: z.looseObject({
      oracle: z.string(),
      confidence: z.enum(['confirmed', 'tainted']).optional(),
      severity: z.enum(['critical', 'high', 'medium', 'low']).optional(),
      title: z.string().optional(),
      dedupeKey: z.string().describe('oracle|signature: what makes this bug distinct'),
      injectionPoint: z.string().nullable().optional(),
      payloadId: z.string().nullable().optional(),
    }),
    case: fuzzCase,
  })
  .describe('One eventfuzz finding: the minimal case that shows it and what it showed (a file of an eventfuzz corpus).');

/** What is wrong with `data` as a version-1 entry (the first problem, with its key path), or `undefined`. */
export function entryProblem(data: unknown): string | undefined {
  const result = CorpusEntrySchema.safeParse(data);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  if (path === '') return issue.code === 'invalid_type' ? `expected a JSON object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}` : issue.message;
  return `"${path}" ${issue.message.replace(/^Invalid input: /, '')}`;
}

/** The JSON Schema published as src/corpus/corpus-entry.schema.json. */
export function corpusEntryJsonSchema(): Record<string, unknown> {
  return { title: 'eventfuzz corpus entry, version 1', ...(z.toJSONSchema(CorpusEntrySchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>) };
}
