import type { Effect, Outcome } from '../core/observation.js';
import type { CrashGuard } from './crash-guard.js';
import type { LogCapture } from './log-capture.js';
import type { Probes } from './probe-hooks.js';
import { safeParse, safePerformanceNow, safePush, safeStringify } from '../core/safe-globals.js';
import { serializeError } from '../core/serialize-error.js';
import { runWithDeadline } from './deadline.js';
import { createLambdaContext } from './lambda-context.js';

/** What one invocation produced, before the runner adds the case id and instance. */
export interface InvocationRecord {
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly logs: string[];
  readonly effects: Effect[];
}

/** Everything an instance (the in-process realm, or one worker) needs to run invocations like Lambda does. */
export interface InvokerOptions {
  readonly handler: (...args: unknown[]) => unknown;
  readonly timeoutMs: number;
  readonly functionName: string;
  readonly memoryLimitMb: number;
  readonly region: string | undefined;
  readonly logStreamName: string | undefined;
  readonly probes: Probes;
  readonly logs: LogCapture;
  readonly crashes: CrashGuard;
  /**
   * Reduce the returned value to plain data here (in-process). A worker leaves it to `postMessage`, which clones
   * anyway, and falls back to `plainValue` only when that fails.
   */
  readonly cloneResult: boolean;
}

const safeSetImmediate = globalThis.setImmediate;
const safeStructuredClone = globalThis.structuredClone;
const nextMacrotask = (): Promise<void> => new Promise((resolve) => safeSetImmediate(resolve));

/**
 * Builds the function that runs one invocation: probes and log capture around the handler, a fresh context,
 * the deadline, and crash attribution. Shared by the in-process runner and the worker entry so both observe
 * the handler identically.
 */
export function createInvoker(options: InvokerOptions): (event: unknown) => Promise<InvocationRecord> {
  const { handler, probes, logs, crashes } = options;
  const waitForCallback = handler.length >= 3;
  const region = options.region;
  const logStreamName = options.logStreamName;
  return async (event) => {
    const stray = crashes.takePending();
    if (stray !== undefined) return { outcome: stray, durationMs: 0, logs: [], effects: [] };
    probes.begin(event);
    logs.begin();
    const started = safePerformanceNow();
    let outcome = await runWithDeadline(
      (settle) => {
        const context = createLambdaContext({
          functionName: options.functionName,
          memoryLimitMb: options.memoryLimitMb,
          timeoutMs: options.timeoutMs,
          onDone: settle,
          ...(region === undefined ? {} : { region }),
          ...(logStreamName === undefined ? {} : { logStreamName }),
        });
        return Reflect.apply(handler, undefined, [event, context, settle]);
      },
      { limitMs: options.timeoutMs, waitForCallback, interrupt: (finish) => crashes.enter(finish) },
    );
    const durationMs = safePerformanceNow() - started;
    // A promise the handler rejected and dropped is reported after the microtask queue drains: wait one turn
    // so it is charged to this invocation, as the Lambda runtime (which dies on it) would.
    await nextMacrotask();
    const crash = crashes.leave();
    if (crash !== undefined) outcome = crash;
    else if (options.cloneResult && outcome.kind === 'returned') outcome = { kind: 'returned', value: plainValue(outcome.value) };
    const captured = logs.end();
    let effects: Effect[];
    try {
      effects = probes.end();
    } catch (error) {
      safePush(captured, `[eventfuzz: probes failed to report: ${serializeError(error).message}]`);
      effects = [];
    }
    return { outcome, durationMs, logs: captured, effects };
  };
}

/**
 * The handler's result as plain data that can cross realms and be inspected without running handler code
 * (getters, proxies). Falls back to what Lambda itself sends back, JSON, and then to a description.
 */
export function plainValue(value: unknown): unknown {
  try {
    return safeStructuredClone(value);
  } catch {
    try {
      const json = safeStringify(value);
      return json === undefined ? undefined : safeParse(json);
    } catch (error) {
      return `[unserializable return value: ${serializeError(error).message}]`;
    }
  }
}
