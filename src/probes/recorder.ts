import type { Effect } from '../core/index.js';
import type { CallSiteFinder } from './call-site.js';

/** @internal What every probe gets from its installer: where to record, and how to name the handler's call site. */
export interface ProbeContext {
  readonly record: (effect: Effect) => void;
  readonly callSite: CallSiteFinder;
}

/** @internal Collects the effects of one invocation. Probes append; the runner reads them at the end. */
export interface Recorder {
  /** Starts a fresh window for one invocation, dropping anything still held from before. */
  begin(): void;
  /** Closes the window and hands over what it holds. Returns `[]` when no window was open. */
  end(): Effect[];
  /** Appends an effect when a window is open; ignored otherwise, and once the cap is reached. */
  record(effect: Effect): void;
  /** Whether a window is open (an invocation is running). */
  readonly recording: boolean;
}

/** @internal Default cap: a handler looping over `exec` must not grow the observation without bound. */
export const MAX_EFFECTS_PER_INVOCATION = 200;

/**
 * @internal
 * Creates a recorder with a per-invocation cap. Effects arriving outside a `begin`/`end` window (module load, a
 * callback still running after the handler returned) are dropped: they cannot be attributed to a case. `stream`
 * names a listener that gets each kept effect the moment it is recorded (read at each call).
 */
export function createRecorder(cap: number = MAX_EFFECTS_PER_INVOCATION, stream?: () => ((effect: Effect) => void) | undefined): Recorder {
  let buffer: Effect[] | undefined;
  return {
    begin() {
      buffer = [];
    },
    end() {
      const out = buffer ?? [];
      buffer = undefined;
      return out;
    },
    get recording() {
      return buffer !== undefined;
    },
    record(effect) {
      // Index assignment rather than push: a hostile handler may have replaced Array.prototype.push.
      if (buffer !== undefined && buffer.length < cap) {
        buffer[buffer.length] = effect;
        stream?.()?.(effect);
      }
    },
  };
}
