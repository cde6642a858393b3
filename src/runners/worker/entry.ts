// The worker side of the isolated runner. Safe globals first: captured before any handler code can patch them.
import '../../core/safe-globals.js';
import type { InvocationRecord } from '../invoke.js';
import type { InvokeMessage, LoadFailedMessage, ReadyMessage, ResultMessage, WorkerSetup } from './protocol.js';
import { parentPort, workerData } from 'node:worker_threads';
import { isHarnessError } from '../../core/errors.js';
import { serializeError } from '../../core/serialize-error.js';
import { startInstance } from '../instance.js';
import { plainValue } from '../invoke.js';
import { probeHooks } from '../probe-hooks.js';

const port = parentPort;
if (port === null) throw new Error('eventfuzz: worker/entry.ts runs only inside a worker thread');
const setup = workerData as WorkerSetup;

// The worker is started with a TypeScript loader (`--import tsx`), so a plain import loads any handler and
// keeps its URL clean (no per-import namespace in stack traces).
const nativeImport = (url: string): Promise<unknown> => import(url);

async function loadInstance(): Promise<((event: unknown) => Promise<InvocationRecord>) | undefined> {
  try {
    const instance = await startInstance({
      file: setup.file,
      exportName: setup.exportName,
      timeoutMs: setup.timeoutMs,
      functionName: setup.functionName,
      memoryLimitMb: setup.memoryLimitMb,
      allowExec: setup.allowExec,
      taskRoot: setup.taskRoot,
      probes: probeHooks,
      importer: nativeImport,
      interceptExit: false,
      cloneResult: false,
    });
    return instance.invoke;
  } catch (error) {
    const failure: LoadFailedMessage = isHarnessError(error)
      ? { type: 'load-failed', code: error.code, message: error.message }
      : { type: 'load-failed', code: 'EFZ_HANDLER_LOAD_FAILED', message: serializeError(error).message };
    // No process.exit: a message posted just before it can be lost. The host terminates us on receipt.
    port!.postMessage(failure);
    return undefined;
  }
}

const invoke = await loadInstance();

// Lambda runs one invocation per instance at a time; the host pipelines up to two, so queue here.
const queue: InvokeMessage[] = [];
let running = false;
let poisoned = false;

async function drain(run: (event: unknown) => Promise<InvocationRecord>): Promise<void> {
  running = true;
  for (let message = queue.shift(); message !== undefined && !poisoned; message = queue.shift()) {
    const record = await run(message.event);
    send({ type: 'result', id: message.id, ...record });
    // After a crash the runtime is not trusted: stop and let the host replace this worker.
    if (record.outcome.kind === 'crashed') poisoned = true;
  }
  running = false;
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

if (invoke !== undefined) {
  const run = invoke;
  port.on('message', (message: InvokeMessage) => {
    queue.push(message);
    if (!running) void drain(run);
  });
  port.postMessage({ type: 'ready' } satisfies ReadyMessage);
}
