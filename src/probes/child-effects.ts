import type { Effect } from '../core/index.js';
import { createTempLog } from './log-tail.js';

/** @internal The environment variable that hands a child node process its probe options (see child-node/bootstrap.mjs). */
export const CHILD_PROBES_ENV = 'EVENTFUZZ_CHILD_PROBES';

/** @internal What a child node process's probes are told. */
export interface ChildProbeConfig {
  readonly allowExec: boolean;
  readonly taskRoot: string;
  readonly writableRoots?: readonly string[] | undefined;
  /** Where the child appends its effects, one JSON document per line. */
  readonly effectsLog: string;
}

/** @internal Carries the probes into node processes the handler starts, and collects what they saw. */
export interface ChildEffects {
  /** The `KEY=value` pairs to add to a child's environment, for the options in force now. */
  envPairs(config: Omit<ChildProbeConfig, 'effectsLog'>, existingNodeOptions: string | undefined): readonly string[];
  /** The log the children append to: worker threads the handler starts hand it on to their own children. */
  readonly log: string;
  /** Effects child processes logged since the last call. */
  drain(): Effect[];
  dispose(): void;
}

/**
 * @internal
 * The environment that carries the probes into a child node process: `NODE_OPTIONS` with `--import` of the child
 * bootstrap (before whatever the handler put there), and the options, with the log its effects go to.
 */
export function childEnvPairs(log: string, config: Omit<ChildProbeConfig, 'effectsLog'>, existingNodeOptions: string | undefined): readonly string[] {
  const own = `--import=${CHILD_BOOTSTRAP}`;
  const nodeOptions = existingNodeOptions === undefined || existingNodeOptions === '' ? own : `${own} ${existingNodeOptions}`;
  return [`NODE_OPTIONS=${nodeOptions}`, `${CHILD_PROBES_ENV}=${JSON.stringify({ ...config, effectsLog: log })}`];
}

const CHILD_BOOTSTRAP = new URL('./child-node/bootstrap.mjs', import.meta.url).href;

/**
 * @internal
 * A child `node` (a `fork`, `execFile(process.execPath, …)`, shelljs's exec, zx, execa's node mode) is a process
 * without our probes, where a payload command would run. Every process the handler starts gets `NODE_OPTIONS`
 * with `--import` of the child bootstrap, which installs the probes before the child's code (only node reads it),
 * and appends their effects to a log in a temp dir; the invocation collects them when it ends.
 */
export function createChildEffects(): ChildEffects {
  const tail = createTempLog('efz-children-', 'effects.log');
  const log = tail.file;
  return {
    log,
    envPairs: (config, existingNodeOptions) => childEnvPairs(log, config, existingNodeOptions),
    drain() {
      const effects: Effect[] = [];
      for (const line of tail.readNew().split('\n')) {
        if (line === '') continue;
        try {
          effects.push(JSON.parse(line) as Effect);
        } catch {
          // a line the child did not finish (it was killed mid-write): nothing to recover
        }
      }
      return effects;
    },
    dispose: tail.dispose,
  };
}
