import type { RealmSetup, WorkerMessage } from './protocol.js';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** The environment variable that carries a process realm's setup; removed before the handler can read it. */
export const REALM_SETUP_ENV = 'EVENTFUZZ_REALM_SETUP';

/** The instance's side of the line to the pool: its setup, and messages both ways. */
export interface HostChannel {
  readonly setup: RealmSetup;
  post(message: WorkerMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

/**
 * Connects to the pool, whichever realm this is: a worker thread talks over `parentPort`, a child process over
 * its IPC channel. Call before the handler loads: `process.send` and `process.on` are captured here, so a
 * handler that replaces or deletes them (a hostile one) does not cut the line.
 */
export function connectToHost(): HostChannel {
  if (!isMainThread) {
    const port = parentPort;
    if (port === null) throw new Error('eventfuzz: the worker entry runs only inside a pool worker');
    return {
      setup: workerData as RealmSetup,
      post: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', listener),
    };
  }
  const send = process.send?.bind(process);
  const on = process.on.bind(process);
  const reallyExit = (process as unknown as { reallyExit(code: number): never }).reallyExit.bind(process);
  const text = process.env[REALM_SETUP_ENV];
  if (send === undefined || text === undefined) throw new Error('eventfuzz: the worker entry runs only inside a pool worker');
  delete process.env[REALM_SETUP_ENV];
  // The pool is gone (eventfuzz was killed, or ended without terminating us): an instance must not outlive it.
  on('disconnect', () => reallyExit(0));
  // Gone before we listened (killed while this realm was still loading): the event will not come again.
  if (!process.connected) reallyExit(0);
  return {
    setup: JSON.parse(text) as RealmSetup,
    post: (message) => {
      // Throws synchronously on a value the serializer cannot clone (the caller falls back to plain data); a
      // channel the pool already closed (it is ending us) is not an error worth a crash.
      send(message, undefined, undefined, () => undefined);
    },
    onMessage: (listener) => {
      on('message', listener);
    },
  };
}
