/** Resolves when the previous holder released the process; the tail of the queue of campaigns waiting for it. */
let processFree: Promise<void> = Promise.resolve();

/**
 * Waits until no other in-process target holds this process, then holds it: the returned function releases it.
 * An in-process runner takes over what the whole process shares (process.env, console capture, crash
 * attribution, the probes' current case), so two campaigns at once (a `Promise.all` of fuzz() calls, concurrent
 * tests) attributed each other's observations: findings went missing or were reported on the wrong handler.
 * Held by a local target from before its runner starts until it closes, so campaigns take turns. Runners made
 * directly (createInProcessRunner) are not queued: a caller holding two at once would wait for itself.
 */
export function leaseProcess(): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const turn = processFree.then(() => release);
  processFree = processFree.then(() => released);
  return turn;
}
