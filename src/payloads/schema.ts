import type { SinkContext } from './types.js';
import { z } from 'zod';

/** Every {@link SinkContext}, spelled once; the `Record` makes the compiler reject a missing or extra one. */
const sinkContextSet: Record<SinkContext, true> = {
  shell: true,
  js: true,
  sql: true,
  nosql: true,
  path: true,
  url: true,
  template: true,
  regex: true,
  xml: true,
  html: true,
  log: true,
  header: true,
  format: true,
  any: true,
};

/** The sink contexts a payload file may name, in declaration order. */
export const SINK_CONTEXTS = Object.keys(sinkContextSet) as [SinkContext, ...SinkContext[]];

/** Ids of payloads and families: lowercase words joined by hyphens. */
export const PAYLOAD_ID_PATTERN = /^[a-z0-9-]+$/;

/** Names usable as `{{name}}` expansions in a template; `token`, `a` and `b` are reserved (canary, marker operands). */
const EXPANSION_NAME_PATTERN = /^[a-z][a-z0-9]*$/;

/** Upper bound for one expanded template, so a typo in `times` cannot exhaust memory at startup. */
export const MAX_EXPANDED_LENGTH = 1_048_576;

const expansion = z
  .object({
    text: z.string().min(1).meta({ description: 'The text to repeat.' }),
    times: z.int().min(1).max(MAX_EXPANDED_LENGTH).meta({ description: 'How many times to repeat it.' }),
  })
  .strict();

const payloadEntry = z
  .object({
    id: z.string().regex(PAYLOAD_ID_PATTERN).meta({ description: 'Unique across the whole corpus.' }),
    template: z.string().meta({
      description:
        'The payload text. {{token}} becomes the case canary (efz + 12 characters); {{a}} and {{b}} become its two marker operands (four-digit numbers derived from the canary: write the arithmetic as {{a}}*{{b}}, the evaluated marker is <token><a*b>); {{name}} becomes an expansion declared in `expand`.',
    }),
    expand: z
      .record(z.string().regex(EXPANSION_NAME_PATTERN), expansion)
      .optional()
      .meta({
        description:
          'Long runs written once: {"run": {"text": "a", "times": 27}} turns {{run}} in the template into 27 a characters at load time.',
      }),
    contexts: z.array(z.enum(SINK_CONTEXTS)).min(1).meta({ description: 'Where the payload is meant to be interpreted (the sink).' }),
    confirms: z.array(z.string().regex(PAYLOAD_ID_PATTERN)).meta({
      description: 'Oracle ids this payload can confirm when it hits; empty when no built-in oracle can.',
    }),
    json: z.boolean().optional().meta({
      description: 'True when the rendered template is a JSON value to place into JSON-decoded fields only.',
    }),
    proves: z.string().min(1).meta({ description: 'What a hit proves, in one sentence.' }),
    ref: z.string().min(1).optional().meta({ description: 'A CWE, CVE or other reference.' }),
  })
  .strict();

/** The zod schema of one `payloads/<family>.json` file. Cross-entry rules (expansions used, JSON parses) live in the loader. */
export const PayloadFileSchema = z
  .object({
    $schema: z.string().optional(),
    family: z.string().regex(PAYLOAD_ID_PATTERN).meta({ description: 'The family id; equals the file name without .json.' }),
    description: z.string().min(1),
    payloads: z.array(payloadEntry).min(1).meta({ description: 'Simplest, canonical payload first: it is the shrink target.' }),
  })
  .strict()
  .meta({ title: 'eventfuzz payload file' });

/** A payload file as written on disk, after schema validation. */
export type PayloadFile = z.infer<typeof PayloadFileSchema>;

/** One entry of a payload file as written on disk (before expansion). */
export type PayloadEntry = PayloadFile['payloads'][number];

/** The JSON Schema of a payload file, for editors; `payloads/payload.schema.json` is this, pretty-printed. */
export function payloadFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PayloadFileSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
