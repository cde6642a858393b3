/**
 * The channel on which every realm that runs a handler (worker threads included) announces the processes the
 * handler started, so the runner can end them when it closes: `{ pid, detached }`. One per eventfuzz process.
 */
export function childrenChannelName(): string {
  return `eventfuzz.children.${process.pid}`;
}

/** One process the handler started. */
export interface StartedChild {
  readonly pid: number;
  /** Started in its own process group (`detached: true`): the whole group is ended. */
  readonly detached: boolean;
}
