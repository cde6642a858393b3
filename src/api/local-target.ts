import type { WatchedSecret } from '../core/index.js';
import type { Runner, RunnerKind } from '../runners/types.js';
import { createLambdaEnvironment } from '../runners/lambda-env.js';
import { createLocalRunner } from '../runners/index.js';

/** A local handler to run: where it is, how to run it, and what its environment holds. */
export interface LocalTargetOptions {
  readonly file: string;
  readonly exportName: string;
  /** Seeds the canary credentials, so a stored finding replays against the same values. */
  readonly seed: number;
  readonly timeoutMs: number;
  readonly memoryLimitMb: number;
  readonly functionName: string;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly secrets?: readonly string[] | undefined;
  readonly allowExec: boolean;
  readonly runner: RunnerKind;
  readonly workers?: number | undefined;
}

/**
 * Builds the Lambda-like environment (with canary credentials and the watched `secrets`) and starts a local
 * runner in it. `fuzz` and `replay` both start their target this way. Returns the secrets the oracles watch.
 */
export async function startLocalTarget(options: LocalTargetOptions): Promise<{ readonly runner: Runner; readonly secrets: readonly WatchedSecret[] }> {
  const { file, exportName, timeoutMs, memoryLimitMb, functionName } = options;
  const { env, secrets } = createLambdaEnvironment({
    functionName,
    region: 'us-east-1',
    memoryLimitMb,
    timeoutMs,
    seed: options.seed,
    handlerFile: file,
    exportName,
    extraEnv: options.env ?? {},
    secretNames: options.secrets ?? [],
  });
  const runner = createLocalRunner(options.runner, {
    file,
    exportName,
    timeoutMs,
    env,
    allowExec: options.allowExec,
    functionName,
    memoryLimitMb,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  await runner.start();
  return { runner, secrets };
}
