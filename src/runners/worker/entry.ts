// The instance side of the isolated runner, in a worker thread or a child process (realm.ts). Safe globals
// first: captured before any handler code can patch them; so is the line to the pool (host-channel.ts).
import { safePush } from '../../core/safe-globals.js';
import type { Instance } from '../instance.js';
import type { Effect } from '../../core/observation.js';
import type { ChildStartedMessage, EffectMessage, InvokeMessage, LoadFailedMessage, ReadyMessage, ResultMessage, RetiringMessage } from './protocol.js';
import type { StartedChild } from '../../core/children.js';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { childrenChannelName } from '../../core/children.js';
import { connectToHost } from './host-channel.js';
import { isHarnessError } from '../../core/errors.js';
import { serializeError } from '../../core/serialize-error.js';
import { startInstance } from '../instance.js';
import { plainValue } from '../invoke.js';
import { getHeapStatistics } from 'node:v8';
import { probeHooks } from '../probe-hooks.js';
import { createFreshImport } from './fresh-import.js';

const host = connectToHost();
const setup = host.setup;
// A process realm measures its own event loop for the pool (a thread's the pool reads directly).
const eventLoopUtilization = performance.eventLoopUtilization.bind(performance);
if (isMainThread) relayStartedChildren();

// The worker is started with a TypeScript loader (`--import tsx`), so a plain import loads any handler and
// keeps its URL clean (no per-import query in stack traces). It caches, though: a replacement instance after a
// crash needs a fresh instance of the whole module graph (fresh-import.ts).
const nativeImport = (url: string): Promise<unknown> => import(url);
const fresh = createFreshImport();

/**
 * Module instances cannot be unloaded, so a handler that crashes on every call would grow this thread's heap
 * without bound: past `fresh.maxGenerations` instances, or half its heap limit, the worker asks to be replaced.
 * The host keeps a warm standby worker, so the hand-over costs no load time.
 */
function mayBuildAnother(): boolean {
  const heap = getHeapStatistics();
  return generation + 1 < fresh.maxGenerations && heap.used_heap_size < heap.heap_size_limit / 2;
}

async function loadInstance(generation: number): Promise<Instance | undefined> {
  try {
    return await startInstance({
      file: setup.file,
      exportName: setup.exportName,
      timeoutMs: setup.timeoutMs,
      functionName: setup.functionName,
      memoryLimitMb: setup.memoryLimitMb,
      allowExec: setup.allowExec,
      taskRoot: setup.taskRoot,
      extraWritableRoots: setup.extraWritableRoots,
      probes: probeHooks,
      // A process can die where a guard cannot see it (a native crash): the pool must already hold the evidence.
      streamEffects: isMainThread ? streamEffect : undefined,
      // Synchronously, before the result: the pool may end this realm the moment the result arrives.
      announceChild: isMainThread ? (child) => host.post({ type: 'child-started', pid: child.pid, detached: child.detached } satisfies ChildStartedMessage) : undefined,
      importer: generation === 0 ? nativeImport : fresh.importer(generation),
      // A crash then ends only the module instance, and this worker builds a fresh one in milliseconds, as
      // Lambda reinitialises a runtime: building a new worker costs hundreds.
      interceptExit: true,
      cloneResult: false,
    });
  } catch (error) {
    const failure: LoadFailedMessage = isHarnessError(error)
      ? { type: 'load-failed', code: error.code, message: error.message }
      : { type: 'load-failed', code: 'EFZ_HANDLER_LOAD_FAILED', message: serializeError(error).message };
    // No process.exit: a message posted just before it can be lost. The host terminates us on receipt.
    host.post(failure);
    return undefined;
  }
}

/** The invocation running now, whose effects are streamed. */
let current = -1;
function streamEffect(effect: Effect): void {
  try {
    host.post({ type: 'effect', id: current, effect } satisfies EffectMessage);
  } catch {
    host.post({ type: 'effect', id: current, effect: plainValue(effect) as Effect } satisfies EffectMessage);
  }
}

let generation = 0;
let instance = await loadInstance(generation);

// Lambda runs one invocation per instance at a time; the host pipelines up to two, so queue here. By index, not
// push/shift: the handler may have replaced the array methods at import, and the harness must keep working.
const queue: InvokeMessage[] = [];
let head = 0;
const next = (): InvokeMessage | undefined => {
  if (head < queue.length) return queue[head++];
  queue.length = head = 0;
  return undefined;
};
let running = false;
let retiring = false;

async function drain(): Promise<void> {
  running = true;
  for (let message = next(); message !== undefined && instance !== undefined && !retiring; message = next()) {
    current = message.id;
    const record = await instance.invoke(message.event);
    const result: ResultMessage = { type: 'result', id: message.id, generation, ...record };
    send(isMainThread ? { ...result, loop: loopSample() } : result);
    // After a crash the module instance is not trusted, like a Lambda runtime after an uncaught exception or
    // process.exit: tear it down and build a fresh one before the next invocation.
    if (record.outcome.kind === 'crashed') await replaceInstance();
  }
  running = false;
}

async function replaceInstance(): Promise<void> {
  instance?.crashes.restore();
  instance?.logs.restore();
  if (!mayBuildAnother()) {
    retiring = true;
    host.post({ type: 'retiring' } satisfies RetiringMessage);
    return;
  }
  generation += 1;
  // A failure here (the module no longer loads) is posted as load-failed; the host then fails the run.
  instance = await loadInstance(generation);
}

function loopSample(): { idle: number; active: number } {
  const { idle, active } = eventLoopUtilization();
  return { idle, active };
}

/**
 * In a child process, worker threads of the handler announce the processes they start on this process's own
 * children channel: relay them to the pool, whose reaper ends them when the run ends (child-reaper.ts). The
 * handler's own realm announces directly (`announceChild`).
 */
function relayStartedChildren(): void {
  const channel = new BroadcastChannel(childrenChannelName());
  channel.unref();
  channel.onmessage = (message: unknown) => {
    const child = (message as { readonly data: StartedChild }).data;
    if (typeof child?.pid === 'number') host.post({ type: 'child-started', pid: child.pid, detached: child.detached === true } satisfies ChildStartedMessage);
  };
}

function send(result: ResultMessage): void {
  try {
    host.post(result);
  } catch {
    // The returned value (or something a probe recorded) cannot be cloned: send plain data instead.
    const outcome = result.outcome.kind === 'returned' ? { kind: 'returned' as const, value: plainValue(result.outcome.value) } : result.outcome;
    host.post({ ...result, outcome, effects: plainValue(result.effects) as ResultMessage['effects'] });
  }
}

if (instance !== undefined) {
  host.onMessage((message) => {
    safePush(queue, message as InvokeMessage);
    if (!running) void drain();
  });
  host.post({ type: 'ready' } satisfies ReadyMessage);
}
