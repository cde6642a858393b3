/**
 * How long past `durationMs` the campaign still waits for what is in flight before it gives up on it. Short: the
 * user asked for a run of that length (`--duration` is honoured within a second, wall clock included).
 */
export const DEADLINE_GRACE_MS = 250;

/**
 * The end of a run's time budget (`durationMs`), for the campaign. Passed: nothing new starts (no case, no
 * shrink step, no control run). Expired (the grace after it): waits for invocations still in flight give up,
 * when the runner ends them itself at close (`abandonable`: a worker pool kills its workers). An in-process
 * runner cannot stop a handler running in this process; its invocations are waited for (its own per-invocation
 * deadline bounds them), or the abandoned handler's logs and effects would be attributed to the next run.
 */
export class RunDeadline {
  readonly #end: number | undefined;
  readonly #abandonable: boolean;
  #abandoned = 0;

  constructor(durationMs: number | undefined, started: number, abandonable: boolean) {
    this.#end = durationMs === undefined ? undefined : started + durationMs;
    this.#abandonable = abandonable;
  }

  get passed(): boolean {
    return this.#end !== undefined && performance.now() >= this.#end;
  }

  get expired(): boolean {
    return this.#end !== undefined && performance.now() >= this.#end + DEADLINE_GRACE_MS;
  }

  /** Time left before the deadline (infinite without one); negative once passed. */
  remainingMs(): number {
    return this.#end === undefined ? Number.POSITIVE_INFINITY : this.#end - performance.now();
  }

  /** Invocations given up on at expiry. */
  get abandoned(): number {
    return this.#abandoned;
  }

  /** Counts the invocations left running when the campaign stopped waiting for them. */
  abandon(count: number): void {
    this.#abandoned += count;
  }

  /**
   * `promise`, or `undefined` once the deadline has expired first, when in-flight work may be given up on.
   * The timer is cleared when the promise wins, so a settled run leaves nothing pending.
   */
  async race<T>(promise: Promise<T>): Promise<T | undefined> {
    if (this.#end === undefined || !this.#abandonable) return promise;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expiry = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), Math.max(0, this.#end! + DEADLINE_GRACE_MS - performance.now()));
    });
    try {
      return await Promise.race([promise, expiry]);
    } finally {
      clearTimeout(timer);
    }
  }
}
