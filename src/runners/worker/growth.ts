/** One measurement window of the pool, as the host saw it. */
export interface GrowthWindow {
  /** Invocations the pool finished during the window. */
  readonly completions: number;
  readonly ms: number;
  /** Warm instances serving during the whole window. */
  readonly instances: number;
  /** The caller kept every instance busy: more instances could only help if work was waiting for them. */
  readonly saturated: boolean;
  /** Share of the window the instances' threads were busy (mean event-loop utilisation, 0-1). */
  readonly instanceUtilization: number;
  /** Share of the window the caller's thread (which judges every result) was busy, 0-1. */
  readonly hostUtilization: number;
}

/** Above these, the instances' CPU or the host is the limit: more instances would only compete for cores. */
const MAX_INSTANCE_UTILIZATION = 0.5;
const MAX_HOST_UTILIZATION = 0.8;

/** Decides when the isolated pool adds warm instances. */
export interface Growth {
  /**
   * Called after each window in which no instance was loading; returns how many instances to add (often 0), or,
   * negative, how many to retire: the last step, which did not pay.
   */
  decide(window: GrowthWindow): number;
  /** No further growth will be proposed. */
  readonly settled: boolean;
}

/**
 * The growth rule, as Lambda scales out while requests queue: double the warm instances (up to `cap`) for as
 * long as the last doubling paid for itself, then stop for good.
 *
 * "Paid for itself" is throughput per added instance: after going from n to n + k instances, completions/s must
 * have risen by at least half of what k more instances would add at the old per-instance rate, i.e.
 * `after ≥ before · (1 + 0.5 · k / n)`. A handler waiting on I/O scales almost linearly and keeps growing (a
 * 20 ms handler needs ~12 instances for 600 cases/s); a CPU-bound one gains nothing once the cores are busy, so
 * growth stops after one step, and that step is undone: instances beyond the cores would only stretch each
 * invocation's wall time (and so its distance to the deadline). A plain "+10 % or stop" would stop an I/O-bound pool at about ten instances,
 * where one more can add only 1/10. Windows in which the pool was not saturated (the caller, not the pool, was
 * the limit) are skipped: they say nothing about what more instances would bring. So are windows in which the
 * instances' threads were busy more than half the time (they compute: more of them would share the same
 * cores) or the host's more than 80 % (it cannot judge more results): no instance is spawned for nothing.
 */
export function createGrowth(cap: number): Growth {
  let before: { readonly rate: number; readonly instances: number } | undefined;
  let settled = false;
  return {
    get settled() {
      return settled;
    },
    decide(window) {
      if (settled) return 0;
      if (window.instances >= cap) {
        settled = true;
        return 0;
      }
      if (!window.saturated || window.ms <= 0) return 0;
      if (window.instanceUtilization > MAX_INSTANCE_UTILIZATION || window.hostUtilization > MAX_HOST_UTILIZATION) return 0;
      const rate = window.completions / window.ms;
      if (before !== undefined) {
        const added = window.instances - before.instances;
        if (added > 0 && rate < before.rate * (1 + (0.5 * added) / before.instances)) {
          settled = true;
          return -added;
        }
      }
      before = { rate, instances: window.instances };
      return Math.min(window.instances, cap - window.instances);
    },
  };
}
