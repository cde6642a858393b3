import type { Observation } from '../core/index.js';

/** One delivery of an event to the handler. */
export interface Invocation {
  readonly caseId: string;
  readonly event: unknown;
}

/** Local deliveries: the handler's module runs on this machine, under eventfuzz's probes. */
export type RunnerKind = 'in-process' | 'isolated';
/** Remote deliveries: a deployed Lambda function (Invoke API) or an HTTP endpoint; no probes, `effects` undefined. */
export type RemoteRunnerKind = 'lambda' | 'http';

/** A runner that delivers to a deployed target (a Lambda function, an HTTP endpoint), probed or not. */
export function isRemoteRunner(runner: Pick<Runner, 'kind'>): boolean {
  return runner.kind === 'lambda' || runner.kind === 'http';
}

/** What every local runner needs to know about the target and the sandbox around it. */
export interface LocalRunnerOptions {
  /** Absolute path of the handler module. */
  readonly file: string;
  /** Export name (default `handler`). */
  readonly exportName: string;
  /** Per-invocation deadline; `context.getRemainingTimeInMillis()` counts down from it. */
  readonly timeoutMs: number;
  /** The Lambda-like environment the handler sees (built by `createLambdaEnvironment`). */
  readonly env: Readonly<Record<string, string>>;
  /** Lift the safety blocks: let commands and file writes that carry a payload token run. */
  readonly allowExec: boolean;
  /**
   * Absolute directories, besides the task root, os.tmpdir() and /tmp, where writes and deletes at payload-named
   * paths may land without a finding: what the function may write to on Lambda (an EFS mount such as /mnt/data).
   */
  readonly extraWritableRoots?: readonly string[] | undefined;
  readonly functionName: string;
  readonly memoryLimitMb: number;
}

/**
 * One interface, several deliveries. `invoke` never rejects because of what the handler did: hangs, throws,
 * exits and crashes are outcomes in the Observation. `start` rejects with a HarnessError (EFZ_HANDLER_*) when
 * the handler cannot be loaded at all.
 */
export interface Runner {
  readonly kind: RunnerKind | RemoteRunnerKind;
  /** How many invocations it is worth keeping in flight at once; may grow during a run (read it each time). */
  readonly parallelism: number;
  start(): Promise<void>;
  invoke(invocation: Invocation): Promise<Observation>;
  close(): Promise<void>;
}
