import type { EventLoopUtilization } from 'node:perf_hooks';
import type { WorkerMessage } from './protocol.js';
import type { Realm, RealmExit, RealmOptions } from './realm.js';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REALM_SETUP_ENV } from './host-channel.js';
import { OUT_OF_MEMORY } from './realm.js';

/** How much of a process realm's stderr is kept: enough for V8's fatal-error banner, which names the cause. */
const STDERR_TAIL_CHARS = 4_096;
/** How long an exit waits for the rest of stderr. */
const STDERR_DRAIN_MS = 100;
const HEAP_EXHAUSTED = /JavaScript heap out of memory|Reached heap limit|FATAL ERROR: .*Allocation failed/;

/**
 * A warm instance in a child process of its own: the handler's runtime, as on Lambda. A signal, an abort, a
 * native crash or a native `exit` ends that process, never eventfuzz, and the pool reports it as the crash of
 * the invocation that ran. Messages use the structured-clone serializer, so results cross as they do from a
 * worker thread. Its stdout is discarded; the tail of its stderr is kept to tell a heap exhaustion from other
 * deaths (V8 aborts the process and says why only there).
 */
export function startProcessRealm(bootstrap: URL, options: RealmOptions): Realm {
  const child = fork(fileURLToPath(bootstrap), [], {
    execArgv: [...options.execArgv, `--max-old-space-size=${options.maxOldGenerationSizeMb}`],
    env: { ...options.env, [REALM_SETUP_ENV]: JSON.stringify({ ...options.setup, entryUrl: options.entryUrl }) },
    // Where Lambda runs a handler: its task root (a worker thread cannot change directory; a process can).
    cwd: options.setup.taskRoot,
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stdout?.resume();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  // The pipes must not keep eventfuzz alive on their own; the process and its channel are ref'd while it works.
  unrefHandle(child.stdout);
  unrefHandle(child.stderr);
  const stderrEnded = new Promise<void>((resolve) => {
    if (child.stderr === null) resolve();
    else child.stderr.once('close', resolve);
  });
  // The exit, once V8's last words are read. Not 'close': a process the handler started may hold our stderr open.
  const exited = new Promise<RealmExit>((resolve) =>
    child.once('exit', (code, signal) => {
      void Promise.race([stderrEnded, new Promise((wait) => setTimeout(wait, STDERR_DRAIN_MS))]).then(() => resolve({ code, signal }));
    }),
  );
  let loop: EventLoopUtilization = utilization(0, 0);
  const errorListeners: ((error: unknown) => void)[] = [];
  child.on('error', (error) => {
    for (const listener of errorListeners) listener(error);
  });
  const ref = (on: boolean): void => {
    if (on) child.ref();
    else child.unref();
    const channel = child.channel as { ref?(): void; unref?(): void } | null | undefined;
    if (on) channel?.ref?.();
    else channel?.unref?.();
  };
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    isolation: 'process',
    get alive() {
      return alive();
    },
    postMessage: (message) => {
      if (child.connected) child.send(message as never);
    },
    ref: () => ref(true),
    unref: () => ref(false),
    terminate: async () => {
      // Held until it is gone: an idle realm is unref'd, and eventfuzz would otherwise exit (with a close still
      // pending, exit code 13) before the exit event arrives.
      child.ref();
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    eventLoopUtilization: (previous) => (previous === undefined ? loop : utilization(loop.idle - previous.idle, loop.active - previous.active)),
    onMessage: (listener) => {
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'result' && message.loop !== undefined) {
          const { idle, active } = message.loop;
          loop = utilization(idle, active);
        }
        listener(message);
      });
    },
    onError: (listener) => {
      errorListeners.push(listener);
    },
    onExit: (listener) => {
      void exited.then((exit) => {
        // Told before the exit, as a worker thread tells its ERR_WORKER_OUT_OF_MEMORY.
        if (HEAP_EXHAUSTED.test(stderrTail)) {
          const error = Object.assign(new Error('the runtime ran out of memory (JavaScript heap out of memory)'), { code: OUT_OF_MEMORY });
          for (const errorListener of errorListeners) errorListener(error);
        }
        listener(exit);
      });
    },
  };
}

/** An event-loop utilization from its two times, as `performance.eventLoopUtilization` computes it. */
function utilization(idle: number, active: number): EventLoopUtilization {
  return { idle, active, utilization: idle + active > 0 ? active / (idle + active) : 0 };
}

function unrefHandle(stream: unknown): void {
  (stream as { unref?(): void } | null)?.unref?.();
}
