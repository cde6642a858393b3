import type { SourceId } from '../../../generators/index.js';

/** Which kind of project file a function was found in. */
export type ProjectKind = 'sam' | 'serverless' | 'cdk';

/** A Lambda function of the project that eventfuzz can fuzz locally. */
export interface DetectedFunction {
  /** The target's name: logical id (SAM, CloudFormation), function key (serverless) or construct id (CDK). */
  readonly name: string;
  /** `file#export`, the file relative to the project directory (where the config is written). */
  readonly handler: string;
  readonly source: SourceId;
  /** `event`: read from the function's events; `guess`: none was recognised, so `source` is a guess to check. */
  readonly sourceFrom: 'event' | 'guess';
  /** Environment variables with a value known without deploying (literals, `!Ref X` as `X`). */
  readonly env: Readonly<Record<string, string>>;
  /** The project's sample events of its source (`events/*.json`), relative to the project directory. */
  readonly samples?: readonly string[] | undefined;
}

/** What one detector found in one project file. */
export interface Detection {
  readonly kind: ProjectKind;
  /** The project file, relative to the project directory. */
  readonly file: string;
  readonly functions: readonly DetectedFunction[];
  /** One line each: functions skipped and why (not Node, no handler file, inline code), guesses, other events. */
  readonly notes: readonly string[];
}

/** `value` when it is a plain object, otherwise `undefined`. */
export function asObject(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `value` when it is a non-empty string, otherwise `undefined`. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
