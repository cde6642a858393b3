import type { Realm, RealmOptions } from './realm.js';
import { Worker } from 'node:worker_threads';

/** A warm instance in a worker thread of eventfuzz's own process. Its stdio is drained and discarded, never shown. */
export function startThreadRealm(bootstrap: URL, options: RealmOptions): Realm {
  const worker = new Worker(bootstrap, {
    workerData: { ...options.setup, entryUrl: options.entryUrl },
    env: { ...options.env },
    execArgv: [...options.execArgv],
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb },
  });
  // Output outside an invocation (load-time logs, stray timers) is not captured by the worker: discard it so
  // it neither reaches our terminal nor piles up unread.
  worker.stdout.resume();
  worker.stderr.resume();
  let alive = true;
  worker.once('exit', () => {
    alive = false;
  });
  return {
    isolation: 'thread',
    get alive() {
      return alive;
    },
    postMessage: (message) => worker.postMessage(message),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    terminate: async () => {
      await worker.terminate();
    },
    eventLoopUtilization: (previous) => worker.performance.eventLoopUtilization(previous),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => worker.on('error', listener),
    onExit: (listener) => worker.on('exit', (code: number) => listener({ code, signal: null })),
  };
}
