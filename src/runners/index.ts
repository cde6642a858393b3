import type { ProbeHooks } from './probe-hooks.js';
import type { LocalRunnerOptions, Runner, RunnerKind } from './types.js';
import type { Isolation } from './worker/realm.js';
import { createInProcessRunner } from './in-process.js';
import { createIsolatedRunner } from './worker/host.js';

export type { Invocation, LocalRunnerOptions, RemoteRunnerKind, Runner, RunnerKind } from './types.js';
export type { ProbeHooks, ProbeOptions, Probes } from './probe-hooks.js';
export { createInProcessRunner } from './in-process.js';
export type { InProcessRunnerOptions } from './in-process.js';
export { createIsolatedRunner, DEFAULT_INSTANCES, DEFAULT_ISOLATION, workerEntryUrl } from './worker/host.js';
export { isolations } from './worker/realm.js';
export type { Isolation } from './worker/realm.js';
export type { IsolatedRunnerOptions } from './worker/host.js';
export { createLambdaContext } from './lambda-context.js';
export type { LambdaContextOptions } from './lambda-context.js';
export { createLambdaEnvironment } from './lambda-env.js';
export type { LambdaEnvironment, LambdaEnvironmentOptions } from './lambda-env.js';
export { loadHandler, parseHandlerRef } from './load-handler.js';
export type { HandlerRef } from './load-handler.js';

/**
 * Options any local runner accepts: `workers` (the pool's starting size), `instances` (its cap) and `isolation`
 * (child processes or worker threads) are used by the isolated pool, `probes` by the in-process runner.
 */
export type LocalRunnerFactoryOptions = LocalRunnerOptions & { readonly workers?: number; readonly instances?: number; readonly isolation?: Isolation; readonly probes?: ProbeHooks };

/** Local runner factories by kind (STYLE practice 9); `satisfies` keeps the table complete when a kind is added. */
export const localRunnerFactories = {
  'in-process': createInProcessRunner,
  isolated: createIsolatedRunner,
} satisfies Record<RunnerKind, (options: LocalRunnerFactoryOptions) => Runner>;

/** Builds the runner for `kind`; call `start()` on it before invoking, `close()` when done. */
export function createLocalRunner(kind: RunnerKind, options: LocalRunnerFactoryOptions): Runner {
  const factory = localRunnerFactories[kind];
  return factory(options);
}
