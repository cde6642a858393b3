import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNTIME = fileURLToPath(new URL('./invoke-api-runtime.mjs', import.meta.url));
const END_MARK = (requestId: string): string => `\u001eefz-end:${requestId}\u001e`;

/** What the Node runtime puts in an error payload (`{errorType, errorMessage, trace}`). */
export interface FunctionErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** How one invocation in an environment ended, with everything it wrote. */
export type EnvironmentResult =
  | { readonly kind: 'returned'; readonly payload: string; readonly output: string }
  | { readonly kind: 'threw'; readonly error: FunctionErrorPayload; readonly output: string }
  | { readonly kind: 'init-error'; readonly error: FunctionErrorPayload; readonly output: string }
  | { readonly kind: 'timeout'; readonly output: string }
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly output: string };

export interface EnvironmentSpec {
  /** The handler file; the runtime finds it as Lambda's does, from `_HANDLER` and `LAMBDA_TASK_ROOT` in `env`. */
  readonly file: string;
  /** The function's own variables plus the ones Lambda sets; nothing from the test process leaks in. */
  readonly env: Readonly<Record<string, string>>;
  readonly logStreamName: string;
}

interface Pending {
  readonly requestId: string;
  output: string;
  stdoutDone: boolean;
  stderrDone: boolean;
  timedOut: boolean;
  reply: { ok: true; payload: string } | { ok: false; error: FunctionErrorPayload } | undefined;
  readonly resolve: (result: EnvironmentResult) => void;
}

/** A log stream name in Lambda's shape: one per execution environment. */
export function newLogStreamName(version: string): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${version}]${randomBytes(16).toString('hex')}`;
}

/**
 * One warm execution environment: a child process running test/support/invoke-api-runtime.mjs with the handler
 * loaded. It serves one invocation at a time, as a Lambda environment does, and is gone after a timeout or exit.
 */
export class ExecutionEnvironment {
  readonly logStreamName: string;
  /** Milliseconds the handler module took to load (Lambda's Init Duration); reported once. */
  initDurationMs: number | undefined;
  rssMb = 40;
  #child: ChildProcess;
  #ready: Promise<FunctionErrorPayload | undefined>;
  #pending: Pending | undefined;
  /** Output written between invocations: Lambda attributes it to the next invocation's log. */
  #carry = '';
  #dead = false;

  constructor(spec: EnvironmentSpec) {
    this.logStreamName = spec.logStreamName;
    const started = performance.now();
    this.#child = fork(RUNTIME, [], {
      cwd: dirname(spec.file),
      env: { ...spec.env },
      execArgv: [], // not the test runner's loaders: the handler runs in a plain Node, as in Lambda
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.#ready = new Promise((resolve) => {
      this.#child.once('message', (message: { type: string; error?: FunctionErrorPayload }) => {
        this.initDurationMs = performance.now() - started;
        resolve(message.type === 'init-error' ? message.error : undefined);
      });
      this.#child.once('exit', () => resolve({ errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited during init', trace: [] }));
    });
    this.#child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.#onOutput('stdout', chunk));
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.#onOutput('stderr', chunk));
    this.#child.on('message', (message: { type: string; requestId?: string; ok?: boolean; payload?: string; error?: FunctionErrorPayload; rssMb?: number }) => {
      const pending = this.#pending;
      if (message.type !== 'result' || pending === undefined || message.requestId !== pending.requestId) return;
      this.rssMb = message.rssMb ?? this.rssMb;
      pending.reply = message.ok === true ? { ok: true, payload: message.payload ?? 'null' } : { ok: false, error: message.error ?? { errorType: 'Error', errorMessage: '' } };
      this.#settleIfComplete();
    });
    // 'close' comes after both pipes ended, so every byte the process wrote is in `output` by then.
    this.#child.on('close', (code, signal) => {
      this.#dead = true;
      const pending = this.#pending;
      if (pending === undefined) return;
      this.#pending = undefined;
      const output = pending.output + this.#buffers.stdout + this.#buffers.stderr;
      pending.resolve(pending.timedOut ? { kind: 'timeout', output } : { kind: 'exited', code, signal, output });
    });
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** Runs one invocation; `timeoutMs` is the function's configured timeout, after which the process is killed. */
  async invoke(requestId: string, event: unknown, timeoutMs: number, context: Record<string, unknown>): Promise<EnvironmentResult> {
    const initError = await this.#ready;
    if (initError !== undefined) {
      this.kill();
      return { kind: 'init-error', error: initError, output: this.#takeCarry() };
    }
    if (this.#dead) return { kind: 'exited', code: this.#child.exitCode, signal: this.#child.signalCode, output: this.#takeCarry() };
    return new Promise<EnvironmentResult>((resolve) => {
      // Lambda stops the environment at the deadline; what it wrote until then is still in the log.
      const timer = setTimeout(() => {
        if (this.#pending !== undefined) this.#pending.timedOut = true;
        this.kill();
      }, timeoutMs);
      this.#pending = {
        requestId,
        output: this.#takeCarry(),
        stdoutDone: false,
        stderrDone: false,
        timedOut: false,
        reply: undefined,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      };
      this.#child.send({ type: 'invoke', requestId, event, deadlineMs: Date.now() + timeoutMs, context });
    });
  }

  kill(): void {
    this.#dead = true;
    this.#child.kill('SIGKILL');
  }

  #takeCarry(): string {
    const text = this.#carry;
    this.#carry = '';
    return text;
  }

  #buffers = { stdout: '', stderr: '' };

  #onOutput(stream: 'stdout' | 'stderr', chunk: string): void {
    const pending = this.#pending;
    if (pending === undefined) {
      this.#carry += chunk;
      return;
    }
    const mark = END_MARK(pending.requestId);
    const text = this.#buffers[stream] + chunk;
    const at = text.indexOf(mark);
    if (at >= 0) {
      pending.output += text.slice(0, at);
      this.#buffers[stream] = '';
      this.#carry += text.slice(at + mark.length);
      if (stream === 'stdout') pending.stdoutDone = true;
      else pending.stderrDone = true;
      this.#settleIfComplete();
      return;
    }
    // Keep back what could be the start of a mark split across chunks.
    const keep = Math.min(text.length, mark.length - 1);
    pending.output += text.slice(0, text.length - keep);
    this.#buffers[stream] = text.slice(text.length - keep);
  }

  #settleIfComplete(): void {
    const pending = this.#pending;
    if (pending === undefined || pending.reply === undefined || !pending.stdoutDone || !pending.stderrDone) return;
    this.#pending = undefined;
    const reply = pending.reply;
    pending.resolve(reply.ok ? { kind: 'returned', payload: reply.payload, output: pending.output } : { kind: 'threw', error: reply.error, output: pending.output });
  }
}
