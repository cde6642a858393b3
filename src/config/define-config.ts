import type { SourceId } from '../../generators/index.js';

/**
 * Options a target sets, or the top level of the config file sets for every target that does not: the `fuzz`
 * flags in camelCase, repeatable ones plural. Paths are relative to the config file.
 */
export interface TargetOptions {
  readonly source?: SourceId | undefined;
  /** Real events (or arrays of them) to mutate and inject into. */
  readonly samples?: readonly string[] | undefined;
  readonly runs?: number | undefined;
  /** Seconds. */
  readonly duration?: number | undefined;
  readonly seed?: number | undefined;
  /** Per-invocation deadline, milliseconds. */
  readonly timeout?: number | undefined;
  /** Merged with the top level's, the target's value winning. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly secrets?: readonly string[] | undefined;
  readonly workers?: number | undefined;
  readonly instances?: number | undefined;
  readonly inProcess?: boolean | undefined;
  readonly isolation?: 'process' | 'thread' | undefined;
  readonly taskRoot?: string | undefined;
  /** The target's corpus directory; a top-level `corpus` is the parent of one directory per target. */
  readonly corpus?: string | undefined;
  readonly reports?: readonly string[] | undefined;
  readonly categories?: readonly string[] | undefined;
  readonly oracles?: readonly string[] | undefined;
  readonly writableRoots?: readonly string[] | undefined;
  readonly allowExec?: boolean | undefined;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  readonly endpoint?: string | undefined;
  /** Merged with the top level's, the target's value winning. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly logs?: 'tail' | 'cloudwatch' | undefined;
  /** Milliseconds. */
  readonly logsWait?: number | undefined;
  readonly maxInvocations?: number | undefined;
  readonly rate?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly maxCost?: number | undefined;
  readonly allowProduction?: boolean | undefined;
  readonly secretEnv?: readonly string[] | undefined;
  readonly learnSecrets?: boolean | undefined;
  readonly timing?: boolean | undefined;
}

/** What a target is: exactly one of a local handler, a deployed function or an HTTP endpoint. */
export type TargetKind =
  | { readonly handler: string; readonly function?: never; readonly url?: never }
  | { readonly function: string; readonly qualifier?: string; readonly handler?: never; readonly url?: never }
  | { readonly url: string; readonly handler?: never; readonly function?: never };

/** One target of the config file. */
export type TargetConfig = TargetOptions & TargetKind & { readonly name: string };

/** `eventfuzz.config.{json,mjs,ts}`: the targets `eventfuzz fuzz` and `eventfuzz replay` run in turn. */
export interface EventfuzzConfig extends TargetOptions {
  readonly $schema?: string;
  readonly targets: readonly TargetConfig[];
}

/**
 * Types a config file's default export (an identity at run time).
 *
 * @example
 * export default defineConfig({ source: 'sqs', runs: 500, targets: [{ name: 'orders', handler: 'src/orders.ts#handler' }] });
 */
export function defineConfig<const T extends EventfuzzConfig | (() => EventfuzzConfig | Promise<EventfuzzConfig>)>(config: T): T {
  return config;
}
