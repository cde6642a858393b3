import type { Effect } from '../core/index.js';
import { createCallSiteFinder } from './call-site.js';
import { createCanaryProgram } from './canary-program.js';
import type { CanaryProgram } from './canary-program.js';
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
  /**
   * Starts recording for one invocation; discards anything recorded before. `event` is the invocation's event:
   * the network probe refuses the destinations its payload URLs name (see payload-destinations.ts).
   */
  begin(event?: unknown): void;
  /** Stops recording and returns the effects since `begin` (at most about 200). */
  end(): Effect[];
}

const REALM_KEY = Symbol.for('eventfuzz.probes');

/** The realm's one instance, which a later installProbes reconfigures. */
interface RealmProbes extends Probes {
  configure(options: ProbeOptions): void;
}

/**
 * Installs every probe in the current realm (main thread or worker) and returns its recording window. Call it
 * before the handler module loads: code that copied a function earlier keeps the unprobed original. The patches are
 * made once per realm and later calls return the same instance, but each call's options take effect: one process
 * that runs a handler in-process without `allowExec` and then another (or the same) with it, or two handlers of two
 * packages one after the other (a vitest file), gets each run's own blocking, roots and call sites. The latest
 * call's options apply to the whole realm, so two in-process runs must not overlap (the runner runs one at a time).
 */
export function installProbes(options: ProbeOptions): Probes {
  const realm = globalThis as unknown as Record<symbol, RealmProbes | undefined>;
  const existing = realm[REALM_KEY];
  if (existing !== undefined) {
    existing.configure(options);
    return existing;
  }

  const recorder = createRecorder();
  // Read by the probes at each call, so a later installProbes can change them (see above).
  const live = { allowExec: options.allowExec, taskRoot: options.taskRoot, writableRoots: options.writableRoots };
  let canary: CanaryProgram | undefined;
  const configure = (next: ProbeOptions): void => {
    live.allowExec = next.allowExec;
    live.taskRoot = next.taskRoot;
    live.writableRoots = next.writableRoots;
    if (next.allowExec) (canary ??= createCanaryProgram()).ensureOnPath();
  };
  configure(options);
  const context = { record: recorder.record, callSite: createCallSiteFinder(() => live.taskRoot) };
  // Getters: each probe reads the options in force at the time of the call.
  const settings = {
    ...context,
    get allowExec() {
      return live.allowExec;
    },
    get taskRoot() {
      return live.taskRoot;
    },
    get writableRoots() {
      return live.writableRoots;
    },
  };
  installChildProcessProbe(settings);
  const network = installNetworkProbe(settings);
  installFsProbe(settings);
  installCodeEvalProbe(context);
  installCanaryFunction(context);
  // Keep last: its snapshot must already include the probes' own patches (Function.prototype.constructor).
  const prototypes = installPrototypeProbe(recorder.record);

  const probes: RealmProbes = {
    configure,
    begin(event) {
      network.begin(event);
      if (live.allowExec) {
        canary?.ensureOnPath();
        canary?.skipToEnd();
      }
      prototypes.begin();
      recorder.begin();
    },
    end() {
      // Canary lines go through the recorder too, so they share its cap and its begin/end window.
      if (canary !== undefined && live.allowExec) for (const effect of canary.drain()) recorder.record(effect);
      prototypes.end(); // records what the invocation did to built-in prototypes, then undoes it
      return recorder.end();
    },
  };
  // Non-writable and non-enumerable: a handler iterating or resetting globals must not drop the instance.
  Object.defineProperty(globalThis, REALM_KEY, { value: probes, enumerable: false, writable: false, configurable: false });
  return probes;
}
