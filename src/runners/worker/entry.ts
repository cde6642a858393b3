// The worker side of the isolated runner. Safe globals first: captured before any handler code can patch them.
import { safePush } from '../../core/safe-globals.js';
import type { Instance } from '../instance.js';
import type { InvokeMessage, LoadFailedMessage, ReadyMessage, ResultMessage, RetiringMessage, WorkerSetup } from './protocol.js';
import { parentPort, workerData } from 'node:worker_threads';
import { isHarnessError } from '../../core/errors.js';
import { serializeError } from '../../core/serialize-error.js';
import { startInstance } from '../instance.js';
import { plainValue } from '../invoke.js';
import { getHeapStatistics } from 'node:v8';
import { probeHooks } from '../probe-hooks.js';
import { createFreshImport } from './fresh-import.js';

const port = parentPort;
if (port === null) throw new Error('eventfuzz: worker/entry.ts runs only inside a worker thread');
const setup = workerData as WorkerSetup;

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
      probes: probeHooks,
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
    port!.postMessage(failure);
    return undefined;
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
    const record = await instance.invoke(message.event);
    send({ type: 'result', id: message.id, generation, ...record });
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
    port!.postMessage({ type: 'retiring' } satisfies RetiringMessage);
    return;
  }
  generation += 1;
  // A failure here (the module no longer loads) is posted as load-failed; the host then fails the run.
  instance = await loadInstance(generation);
}

function send(result: ResultMessage): void {
  try {
    port!.postMessage(result);
  } catch {
    // The returned value (or something a probe recorded) cannot be cloned: send plain data instead.
    const outcome = result.outcome.kind === 'returned' ? { kind: 'returned' as const, value: plainValue(result.outcome.value) } : result.outcome;
    port!.postMessage({ ...result, outcome, effects: plainValue(result.effects) as ResultMessage['effects'] });
  }
}

if (instance !== undefined) {
  port.on('message', (message: InvokeMessage) => {
    safePush(queue, message);
    if (!running) void drain();
  });
  port.postMessage({ type: 'ready' } satisfies ReadyMessage);
}
