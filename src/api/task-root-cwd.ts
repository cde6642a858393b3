import { isMainThread } from 'node:worker_threads';
import { HarnessError } from '../core/index.js';

/**
 * Lambda starts a handler with its working directory at the task root. Worker threads cannot `chdir` (they share
 * the process's cwd), so the whole process moves there while a local target lives, for both runners alike. The
 * cwd is process-wide: targets at once in one process must share a task root (counted), and the last one to close
 * moves the process back where it was, whatever the handler itself did with `process.chdir` meanwhile.
 */
let active: { readonly root: string; readonly previous: string; count: number } | undefined;

/** Moves the process to `taskRoot` and returns the function that moves it back (call it once). */
export function enterTaskRoot(taskRoot: string): () => void {
  if (active !== undefined) {
    if (active.root !== taskRoot) {
      throw new HarnessError(
        'EFZ_USAGE',
        `Two local targets with different task roots (${active.root} and ${taskRoot}) cannot run at once in one process: the working directory is process-wide. Run them one after the other.`,
      );
    }
    active.count++;
  } else {
    const previous = process.cwd();
    try {
      process.chdir(taskRoot);
    } catch (error) {
      const why = isMainThread ? (error instanceof Error ? error.message : String(error)) : 'a worker thread cannot change the working directory';
      throw new HarnessError(
        'EFZ_USAGE',
        `Cannot run the handler with its working directory at the task root ${taskRoot}: ${why}.` +
          (isMainThread ? '' : " Run eventfuzz from the main thread (vitest: pool 'forks', its default)."),
      );
    }
    active = { root: taskRoot, previous, count: 1 };
  }
  let left = false;
  return () => {
    if (left || active === undefined) return;
    left = true;
    if (--active.count > 0) return;
    const { previous } = active;
    active = undefined;
    try {
      process.chdir(previous);
    } catch {
      // the directory eventfuzz was started from is gone: stay where we are rather than fail the run's report
    }
  };
}
