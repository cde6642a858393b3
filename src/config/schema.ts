import { z } from 'zod';
import type { SourceId } from '../../generators/index.js';
import { sourceIds } from '../../generators/index.js';

const wholeNumber = (): z.ZodInt => z.int({ error: 'expected a whole number ≥ 1' }).min(1, { error: 'expected a whole number ≥ 1' });
const positive = (what: string): z.ZodNumber => z.number({ error: `expected ${what} > 0` }).positive({ error: `expected ${what} > 0` });
const text = (): z.ZodString => z.string({ error: 'expected a string' }).min(1, { error: 'expected a non-empty string' });
const texts = (): z.ZodArray<z.ZodString> => z.array(text(), { error: 'expected a list of strings' });
const flag = (): z.ZodBoolean => z.boolean({ error: 'expected true or false' });
const strings = (): z.ZodRecord<z.ZodString, z.ZodString> => z.record(z.string(), z.string({ error: 'expected a string value' }), { error: 'expected an object of string values' });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> => z.enum(values, { error: `expected one of ${values.join(', ')}` });

/**
 * The options a target can set and the top level can default: the `fuzz` flags, in camelCase, with the
 * repeatable ones plural (`--sample` → `samples`, `--report` → `reports`, `--secret` → `secrets`).
 * Durations keep the CLI's units: `duration` in seconds, `timeout` and `logsWait` in milliseconds.
 */
const sharedOptions = {
  source: oneOf(sourceIds as [SourceId, ...SourceId[]]),
  samples: texts(),
  runs: wholeNumber(),
  duration: positive('a number of seconds'),
  seed: z.int({ error: 'expected an integer' }).min(-0x7fffffff, { error: 'expected an integer between -2147483647 and 2147483647' }).max(0x7fffffff, { error: 'expected an integer between -2147483647 and 2147483647' }),
  timeout: wholeNumber(),
  env: strings(),
  secrets: texts(),
  workers: wholeNumber(),
  instances: wholeNumber(),
  inProcess: flag(),
  isolation: oneOf(['process', 'thread']),
  taskRoot: text(),
  corpus: text(),
  reports: texts(),
  categories: texts(),
  oracles: texts(),
  writableRoots: texts(),
  allowExec: flag(),
  // Remote targets: how to reach them and within which limits.
  region: text(),
  profile: text(),
  endpoint: text(),
  headers: strings(),
  logs: oneOf(['tail', 'cloudwatch']),
  logsWait: wholeNumber(),
  maxInvocations: wholeNumber(),
  rate: positive('a number'),
  concurrency: wholeNumber(),
  maxCost: positive('a number of dollars'),
  allowProduction: flag(),
  secretEnv: texts(),
  learnSecrets: flag(),
  timing: flag(),
} as const;

const targetShape = {
  name: text().regex(/^[\w.-]+$/, { error: 'expected letters, digits, ".", "_" or "-" (it names the target\'s corpus directory)' }),
  /** A local handler: `file[#export]` or Lambda's `dir/file.export`. */
  handler: text(),
  /** A deployed Lambda function: name or ARN. */
  function: text(),
  qualifier: text(),
  /** An HTTP endpoint (API Gateway stage, Function URL, ALB). */
  url: text(),
  ...sharedOptions,
} as const;

export const targetSchema = z.strictObject(targetShape);

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  targets: z.array(targetSchema.partial({ ...mapTrue(sharedOptions), handler: true, function: true, qualifier: true, url: true }), { error: 'expected a list of targets' }).min(1, { error: 'expected at least one target' }),
  ...mapOptional(sharedOptions),
});

/** The keys each level accepts, for "did you mean". */
export const TOP_LEVEL_KEYS: readonly string[] = ['$schema', 'targets', ...Object.keys(sharedOptions)];
export const TARGET_KEYS: readonly string[] = Object.keys(targetShape);
/** The keys that say what a target is; a target has exactly one. */
export const TARGET_KINDS = ['handler', 'function', 'url'] as const;

function mapTrue<T extends object>(shape: T): { [K in keyof T]: true } {
  return Object.fromEntries(Object.keys(shape).map((key) => [key, true])) as { [K in keyof T]: true };
}

function mapOptional<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> };
}
