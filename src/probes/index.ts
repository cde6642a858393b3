import type { Effect } from '../core/index.js';
import { createCallSiteFinder } from './call-site.js';
import { createCanaryProgram } from './canary-program.js';
import { installCanaryFunction } from './canary-function.js';
import { installChildProcessProbe } from './child-process.js';
import { installCodeEvalProbe } from './code-eval.js';
import { installFsProbe } from './fs.js';
import { installNetworkProbe } from './network.js';
import { installPrototypeProbe } from './prototypes.js';
import { createRecorder } from './recorder.js';

/** How probes behave in this realm. */
export interface ProbeOptions {
  /** Let commands that carry a payload token run (`--allow-exec`); also puts the canary program on PATH. */
  readonly allowExec: boolean;
  /** The handler's root directory: call sites under it are reported relative to it. */
  readonly taskRoot: string;
  /**
   * Where payload-named file writes and deletes may land (default: the task root, os.tmpdir() and /tmp, the
   * places a Lambda function can write to).
   */
  readonly writableRoots?: readonly string[] | undefined;
}

/** The recording window around one invocation. */
export interface Probes {
  /** Starts recording for one invocation; discards anything recorded before. */
  begin(): void;
  /** Stops recording and returns the effects since `begin` (at most about 200). */
  end(): Effect[];
}

const REALM_KEY = Symbol.for('eventfuzz.probes');

/**
 * Installs every probe in the current realm (main thread or worker) and returns its recording window. Call it
 * before the handler module loads: code that copied a function earlier keeps the unprobed original. Idempotent per
 * realm: later calls return the first instance, and the options of the first call stay in force.
 */
export function installProbes(options: ProbeOptions): Probes {
  const realm = globalThis as unknown as Record<symbol, Probes | undefined>;
  const existing = realm[REALM_KEY];
  if (existing !== undefined) return existing;

  const recorder = createRecorder();
  const canary = options.allowExec ? createCanaryProgram() : undefined;
  canary?.ensureOnPath();
  const context = { record: recorder.record, callSite: createCallSiteFinder(options.taskRoot) };
  installChildProcessProbe({ ...context, allowExec: options.allowExec });
  installNetworkProbe({ ...context, allowExec: options.allowExec });
  installFsProbe({ ...context, allowExec: options.allowExec, taskRoot: options.taskRoot, writableRoots: options.writableRoots });
  installCodeEvalProbe(context);
  installCanaryFunction(context);
  // Keep last: its snapshot must already include the probes' own patches (Function.prototype.constructor).
  const prototypes = installPrototypeProbe(recorder.record);

  const probes: Probes = {
    begin() {
      canary?.ensureOnPath();
      canary?.skipToEnd();
      prototypes.begin();
      recorder.begin();
    },
    end() {
      // Canary lines go through the recorder too, so they share its cap and its begin/end window.
      if (canary !== undefined) for (const effect of canary.drain()) recorder.record(effect);
      prototypes.end(); // records what the invocation did to built-in prototypes, then undoes it
      return recorder.end();
    },
  };
  // Non-writable and non-enumerable: a handler iterating or resetting globals must not drop the instance.
  Object.defineProperty(globalThis, REALM_KEY, { value: probes, enumerable: false, writable: false, configurable: false });
  return probes;
}
