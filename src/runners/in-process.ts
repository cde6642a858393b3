// Safe globals first: they must be captured before any handler code can patch them.
import '../core/safe-globals.js';
import { watchStartedChildren } from './child-reaper.js';
import type { Observation } from '../core/observation.js';
import type { CrashGuard } from './crash-guard.js';
import type { InvocationRecord } from './invoke.js';
import type { LogCapture } from './log-capture.js';
import type { ProbeHooks } from './probe-hooks.js';
import type { Invocation, LocalRunnerOptions, Runner } from './types.js';
import { dirname } from 'node:path';
import { HarnessError } from '../core/errors.js';
import { cloneData } from '../core/clone-data.js';
import { startInstance } from './instance.js';
import { probeHooks } from './probe-hooks.js';

/** In-process runner options: the local ones, plus probes to use instead of `src/probes` (tests inject fakes). */
export type InProcessRunnerOptions = LocalRunnerOptions & { readonly probes?: ProbeHooks };


/**
 * Runs the handler in this very process and realm: the fastest delivery, made for unit suites. For its lifetime
 * it sets the Lambda environment variables on `process.env`, captures console and stdio during invocations,
 * turns `uncaughtException`, `unhandledRejection` and `process.exit` into `crashed` outcomes, and installs the
 * probes before the handler loads. Everything is put back by `close()`.
 *
 * Limitation: it cannot stop a synchronous infinite loop (or anything else that blocks the event loop): the
 * deadline timer never gets to run. Nor can it survive heap exhaustion. Use the isolated runner for hostile code.
 */
export function createInProcessRunner(options: InProcessRunnerOptions): Runner {
  let invoke: ((event: unknown) => Promise<InvocationRecord>) | undefined;
  let logs: LogCapture | undefined;
  let crashes: CrashGuard | undefined;
  let savedEnv: Map<string, string | undefined> | undefined;
  /** Ends what the handler started, once this runner closes (see child-reaper.ts). */
  let releaseChildren: (() => Promise<void>) | undefined;
  // Parallelism is 1: concurrent invocations would share console capture and crash attribution.
  let queue: Promise<unknown> = Promise.resolve();

  const restore = (): void => {
    logs?.restore();
    crashes?.restore();
    if (savedEnv !== undefined) {
      for (const [name, value] of savedEnv) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    logs = crashes = savedEnv = invoke = undefined;
  };

  return {
    kind: 'in-process',
    parallelism: 1,

    async start() {
      if (invoke !== undefined) return;
      releaseChildren ??= watchStartedChildren();
      try {
        savedEnv = new Map();
        for (const [name, value] of Object.entries(options.env)) {
          savedEnv.set(name, process.env[name]);
          process.env[name] = value;
        }
        ({ invoke, logs, crashes } = await startInstance({
          file: options.file,
          exportName: options.exportName,
          timeoutMs: options.timeoutMs,
          functionName: options.functionName,
          memoryLimitMb: options.memoryLimitMb,
          allowExec: options.allowExec,
          extraWritableRoots: options.extraWritableRoots,
          taskRoot: options.env['LAMBDA_TASK_ROOT'] ?? dirname(options.file),
          probes: options.probes ?? probeHooks,
          interceptExit: true,
          cloneResult: true,
        }));
      } catch (error) {
        restore();
        throw error;
      }
    },

    invoke(invocation: Invocation): Promise<Observation> {
      const run = queue.then(async (): Promise<Observation> => {
        if (invoke === undefined) throw new HarnessError('EFZ_RUNNER_UNAVAILABLE', 'The in-process runner is not started (call start() first) or already closed.');
        let event: unknown;
        try {
          event = cloneData(invocation.event); // the handler may mutate its event; the case must not change
        } catch (error) {
          throw new HarnessError('EFZ_RUNNER_UNAVAILABLE', `Case ${invocation.caseId}: the event cannot be cloned: ${(error as Error).message}`);
        }
        const record = await invoke(event);
        return { caseId: invocation.caseId, ...record, instance: 'in-process' };
      });
      queue = run.catch(() => undefined);
      return run;
    },

    async close() {
      await queue;
      restore();
      const release = releaseChildren;
      releaseChildren = undefined;
      await release?.();
    },
  };
}
