import type { Effect } from '../core/index.js';
import { createCallSiteFinder } from './call-site.js';
import { createCanaryProgram } from './canary-program.js';
import type { CanaryProgram } from './canary-program.js';
import type { StartedChild } from '../core/children.js';
import { installCanaryFunction } from './canary-function.js';
import { installChildProcessProbe } from './child-process.js';
import { installSpawnBindingGuard } from './spawn-bindings.js';
import { installCodeEvalProbe } from './code-eval.js';
import { installFsProbe } from './fs.js';
import { installNetworkProbe } from './network.js';
import { installWorkerThreadsProbe } from './worker-threads.js';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { childEnvPairs, createChildEffects } from './child-effects.js';
import type { ChildEffects } from './child-effects.js';
import { BroadcastChannel, threadId } from 'node:worker_threads';
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
  /**
   * @internal Set in a worker thread the handler created (see worker-threads.ts): this realm records nothing
   * itself and sends every effect on this channel to the realm that runs the handler.
   */
  readonly relay?: string | undefined;
  /**
   * @internal Set in a node process the handler started (see child-effects.ts): this realm records nothing itself
   * and appends every effect to this log, which the realm that runs the handler reads.
   */
  readonly effectsLog?: string | undefined;
  /**
   * @internal Set in a worker thread the handler created: node processes started from it write their effects to
   * this log, the handler realm's, which that realm collects when the invocation ends.
   */
  readonly childEffectsLog?: string | undefined;
  /**
   * @internal Set in a process realm (the pool's child process): each effect the invocation's window keeps is also
   * handed here the moment it is recorded, so the pool holds the evidence even if the runtime dies right after
   * the sink (a native crash, a signal no guard saw), before the invocation's result could be sent.
   */
  readonly streamEffects?: ((effect: Effect) => void) | undefined;
  /**
   * @internal Set in a process realm: each process the handler starts is announced here at once, synchronously,
   * so the pool's reaper knows it even if the realm is ended right after (the children channel of a child process
   * is its own, and a message on it may still be on its way when the pool ends the realm).
   */
  readonly announceChild?: ((child: StartedChild) => void) | undefined;
  /**
   * @internal Set by `eventfuzz layer` in a deployed function between eventfuzz's own invocations: every probed call
   * goes through as if the probes were not there (nothing blocked, refused or recorded), so the function's real
   * traffic runs as it would without the layer. A local run never sets it: there, a payload command the handler
   * delays past its invocation is still blocked.
   */
  readonly dormant?: boolean | undefined;
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
// Captured before the fs probe patches it: a child's effect log is ours, not a write the handler made.
const appendToLog = (createRequire(import.meta.url)('node:fs') as typeof import('node:fs')).appendFileSync;

/**
 * In a child node process: its own children inherit the parent's log and options (NODE_OPTIONS and the config
 * variable are in its environment already), so there is nothing to add.
 */
const inherited: Pick<ChildEffects, 'envPairs'> = { envPairs: () => [] };

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

  const recorder = createRecorder(undefined, () => live.streamEffects);
  // Effects of the handler's own worker threads arrive on this realm's channel; in such a worker, they leave on it.
  const relay = options.relay ?? `eventfuzz.effects.${process.pid}.${threadId}.${randomUUID()}`;
  const channel = new BroadcastChannel(relay);
  channel.unref();
  if (options.relay === undefined) channel.onmessage = (message: unknown) => recorder.record((message as { readonly data: Effect }).data);
  const effectsLog = options.effectsLog;
  const record =
    effectsLog !== undefined
      ? (effect: Effect): void => appendToLog(effectsLog, `${JSON.stringify(effect)}\n`)
      : options.relay === undefined
        ? recorder.record
        : (effect: Effect): void => channel.postMessage(effect);
  // Node processes the handler starts carry the probes (NODE_OPTIONS); their effects come back through a log.
  // Only the realm that runs the handler collects them (a node process started from the handler's own worker
  // thread goes unprobed: a known gap). Children inherit what their parent was given.
  const children = effectsLog === undefined && options.relay === undefined ? createChildEffects() : undefined;
  // Their log is read only once the handler has started a process at all: two file reads per invocation are a
  // tenth of a trivial handler's throughput.
  let childrenStarted = false;
  // Read by the probes at each call, so a later installProbes can change them (see above).
  const live = { allowExec: options.allowExec, taskRoot: options.taskRoot, writableRoots: options.writableRoots, streamEffects: options.streamEffects, announceChild: options.announceChild, dormant: options.dormant === true };
  let canary: CanaryProgram | undefined;
  const configure = (next: ProbeOptions): void => {
    live.allowExec = next.allowExec;
    live.taskRoot = next.taskRoot;
    live.writableRoots = next.writableRoots;
    live.streamEffects = next.streamEffects;
    live.announceChild = next.announceChild;
    live.dormant = next.dormant === true;
    if (next.allowExec) (canary ??= createCanaryProgram()).ensureOnPath();
  };
  configure(options);
  const context = { record, callSite: createCallSiteFinder(() => live.taskRoot) };
  // Getters: each probe reads the options in force at the time of the call.
  const settings = {
    ...context,
    get allowExec() {
      return live.allowExec || live.dormant;
    },
    get taskRoot() {
      return live.taskRoot;
    },
    get writableRoots() {
      return live.writableRoots;
    },
    get dormant() {
      return live.dormant;
    },
  };
  // The native spawn calls first: the child_process wrappers hand their judged calls through them.
  // Not a spread: that would read the getters once, and a later installProbes could not change them.
  const bindings = installSpawnBindingGuard({
    ...context,
    get allowExec() {
      return live.allowExec || live.dormant;
    },
    get announceChild() {
      return live.announceChild;
    },
    // Only while an invocation runs: the probes stay in this realm after a run (in-process, the user's test
    // process), and processes it starts later are not the handler's.
    childEnv: (existingNodeOptions) => {
      const config = { allowExec: live.allowExec, taskRoot: live.taskRoot, writableRoots: live.writableRoots };
      // A worker thread of the handler: its children report to the handler realm's log (it has no window itself).
      if (options.childEffectsLog !== undefined) return childEnvPairs(options.childEffectsLog, config, existingNodeOptions);
      if (children === undefined || !recorder.recording) return inherited.envPairs({ allowExec: live.allowExec, taskRoot: live.taskRoot }, existingNodeOptions);
      childrenStarted = true;
      return children.envPairs(config, existingNodeOptions);
    },
  });
  installChildProcessProbe({
    record: settings.record,
    callSite: settings.callSite,
    bindings,
    get allowExec() {
      return live.allowExec || live.dormant;
    },
  });
  const network = installNetworkProbe(settings);
  // The handler's workers hand this realm's children log on to the node processes they start.
  const childEffectsLog = (): string | undefined => {
    if (children === undefined) return options.childEffectsLog;
    childrenStarted = true;
    return children.log;
  };
  installWorkerThreadsProbe(Object.create(settings, { relay: { value: relay }, childEffectsLog: { value: childEffectsLog } }) as typeof settings & { relay: string; childEffectsLog: () => string | undefined });
  installFsProbe(settings);
  installCodeEvalProbe(context);
  installCanaryFunction(context);
  // Keep last: its snapshot must already include the probes' own patches (Function.prototype.constructor).
  const prototypes = installPrototypeProbe(record);

  const probes: RealmProbes = {
    configure,
    begin(event) {
      network.begin(event);
      if (live.allowExec) {
        canary?.ensureOnPath();
        canary?.skipToEnd();
      }
      if (childrenStarted) children?.drain(); // what children logged between invocations belongs to none of them
      prototypes.begin();
      recorder.begin();
    },
    end() {
      // Canary lines and child processes' effects go through the recorder too: its cap and its begin/end window.
      if (canary !== undefined && live.allowExec) for (const effect of canary.drain()) recorder.record(effect);
      if (children !== undefined && childrenStarted) for (const effect of children.drain()) recorder.record(effect);
      prototypes.end(); // records what the invocation did to built-in prototypes, then undoes it
      return recorder.end();
    },
  };
  // Non-writable and non-enumerable: a handler iterating or resetting globals must not drop the instance.
  Object.defineProperty(globalThis, REALM_KEY, { value: probes, enumerable: false, writable: false, configurable: false });
  return probes;
}
