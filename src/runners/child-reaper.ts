import { BroadcastChannel } from 'node:worker_threads';
import { childrenChannelName, type StartedChild } from '../core/children.js';

// Captured at load, before a handler realm in this thread (in-process) replaces process.kill with its guard.
const kill = process.kill.bind(process);

const started = new Map<number, StartedChild>();
const ANNOUNCEMENT_GRACE_MS = 20;
let channel: BroadcastChannel | undefined;
let users = 0;

/**
 * Ends the processes handlers started (announced by the probes' spawn guard on `childrenChannelName()`), when the
 * last runner of this process closes and at exit. A child the handler left running (a detached `sleep`, a
 * forgotten sidecar) must not outlive the run on the user's machine. Returns the release for one runner.
 */
export function watchStartedChildren(): () => Promise<void> {
  users++;
  if (channel === undefined) {
    channel = new BroadcastChannel(childrenChannelName());
    channel.unref();
    channel.onmessage = (message: unknown) => {
      const child = (message as { readonly data: StartedChild }).data;
      if (typeof child?.pid === 'number' && child.pid > 0) started.set(child.pid, child);
    };
    process.once('exit', endStartedChildren);
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    // A worker's last announcements may still be on their way (it was terminated just now): let them land.
    await new Promise((resolve) => setTimeout(resolve, ANNOUNCEMENT_GRACE_MS));
    if (--users === 0) endStartedChildren();
  };
}

/** Records a process a handler in a child-process realm started (relayed by the pool, which hears that realm). */
export function noteStartedChild(child: StartedChild): void {
  if (child.pid > 0) started.set(child.pid, child);
}

/** SIGKILLs every announced child (its process group when detached) that is still there. */
export function endStartedChildren(): void {
  for (const child of started.values()) {
    try {
      kill(child.detached ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // already gone (ESRCH), or not ours to end (EPERM): nothing to do
    }
  }
  started.clear();
}
