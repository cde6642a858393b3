import type { WatchedSecret } from '../core/index.js';
import type { Runner, RunnerKind } from '../runners/types.js';
import type { Isolation } from '../runners/index.js';
import { createLambdaEnvironment } from '../runners/lambda-env.js';
import { createLocalRunner } from '../runners/index.js';
import { leaseProcess } from './process-lease.js';
import { enterTaskRoot } from './task-root-cwd.js';
import { HarnessError } from '../core/errors.js';
import { statSync } from 'node:fs';

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
  /** Absolute; see `FuzzOptions.writableRoots`. */
  readonly writableRoots?: readonly string[] | undefined;
  readonly runner: RunnerKind;
  readonly workers?: number | undefined;
  /** Cap on warm instances the isolated pool may grow to (default 16, never below `workers`). */
  readonly instances?: number | undefined;
  /** Isolated runner: where each warm instance runs (default: a child process each). */
  readonly isolation?: Isolation | undefined;
  /** `--task-root DIR` (absolute); default: the handler's package root. */
  readonly taskRoot?: string | undefined;
}

/**
 * Builds the Lambda-like environment (with canary credentials and the watched `secrets`) and starts a local
 * runner in it. `fuzz` and `replay` both start their target this way. Returns the secrets the oracles watch and the task root (probes' call sites are relative to it).
 */
export async function startLocalTarget(options: LocalTargetOptions): Promise<{ readonly runner: Runner; readonly secrets: readonly WatchedSecret[]; readonly taskRoot: string }> {
  const { file, exportName, timeoutMs, memoryLimitMb, functionName } = options;
  if (options.taskRoot !== undefined && !isDirectory(options.taskRoot)) {
    throw new HarnessError('EFZ_USAGE', `--task-root ${options.taskRoot} is not a directory.`);
  }
  const { env, secrets } = createLambdaEnvironment({
    functionName,
    region: 'us-east-1',
    memoryLimitMb,
    timeoutMs,
    seed: options.seed,
    handlerFile: file,
    exportName,
    taskRoot: options.taskRoot,
    extraEnv: options.env ?? {},
    secretNames: options.secrets ?? [],
  });
  const runner = createLocalRunner(options.runner, {
    file,
    exportName,
    timeoutMs,
    env,
    allowExec: options.allowExec,
    extraWritableRoots: options.writableRoots,
    functionName,
    memoryLimitMb,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.instances === undefined ? {} : { instances: options.instances }),
    ...(options.isolation === undefined ? {} : { isolation: options.isolation }),
  });
  // eventfuzz resolves its own paths (corpus, samples) before this point.
  const taskRoot = env['LAMBDA_TASK_ROOT'] ?? process.cwd();
  const releaseProcess = options.runner === 'in-process' ? await leaseProcess() : () => undefined;
  let restore: () => void;
  try {
    restore = enterTaskRoot(taskRoot);
  } catch (error) {
    releaseProcess();
    throw error;
  }
  try {
    await runner.start();
  } catch (error) {
    await runner.close().catch(() => undefined);
    restore();
    releaseProcess();
    throw error;
  }
  const inTaskRoot: Runner = {
    kind: runner.kind,
    // A getter: the isolated pool grows during the run, and the campaign reads this in its loop.
    get parallelism() {
      return runner.parallelism;
    },
    start: () => runner.start(),
    invoke: (invocation) => runner.invoke(invocation),
    close: async () => {
      try {
        await runner.close();
      } finally {
        restore();
        releaseProcess();
      }
    },
  };
  return { runner: inTaskRoot, secrets, taskRoot };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
