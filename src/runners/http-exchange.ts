/**
 * One HTTP exchange through undici's `dispatch` API, for the HTTP runner: the request goes out, the answer comes back
 * with its body read up to a bound, and a deadline covers the whole exchange (queueing, connecting, headers, body).
 *
 * Why `dispatch` and not `request()`: `request()` needs an `AbortSignal` for a whole-exchange deadline (an
 * AbortController, an `abort` listener added and removed, a close listener on the body) and hands the body over as a
 * Readable stream to be consumed; against a fast endpoint those cost about a fifth of the CPU time of a request
 * (bench/remote-http.ts). A dispatch handler gets an `abort` it can call from a plain timer and the body's chunks as
 * they arrive: the same exchange with none of that per-request machinery.
 */
import type { Dispatcher } from 'undici';
import type { HttpResponseParts } from './apigw-response.js';
import { Buffer } from 'node:buffer';

/** How an exchange ended: an answer (its body possibly cut at the bound), our deadline, or a failure to exchange. */
export type ExchangeResult =
  | { readonly kind: 'response'; readonly response: HttpResponseParts }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly error: unknown };

/** What to send, where, and the bounds to keep. */
export interface ExchangeOptions {
  readonly origin: string;
  readonly path: string;
  readonly method: Dispatcher.HttpMethod;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | null;
  /** No complete answer within this → `timeout`, and the exchange is aborted (its connection is not reused). */
  readonly timeoutMs: number;
  /** Body bytes kept at most; past them the exchange is aborted and the answer is `truncated`. */
  readonly maxBodyBytes: number;
}

type Headers = HttpResponseParts['headers'];

/** Sends one request and resolves with how it ended; never rejects. */
export function exchange(dispatcher: Dispatcher, options: ExchangeOptions): Promise<ExchangeResult> {
  return new Promise<ExchangeResult>((resolve) => {
    const handler = new ExchangeHandler(options.maxBodyBytes, resolve, options.timeoutMs);
    try {
      dispatcher.dispatch(
        {
          origin: options.origin,
          path: options.path,
          method: options.method,
          headers: options.headers,
          body: options.body,
          // The deadline covers the whole exchange; undici's per-phase timers would only race it.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      );
    } catch (error) {
      // A dispatcher hands invalid options to `onResponseError`; one that throws instead is answered the same way.
      handler.finish({ kind: 'error', error });
    }
  });
}

const DEADLINE = 'eventfuzz: the exchange passed its deadline';

function onDeadline(handler: ExchangeHandler): void {
  handler.finish({ kind: 'timeout' });
  handler.stop(DEADLINE);
}

/**
 * The dispatch handler of one exchange. A class, not an object of closures: its methods are made once, not per
 * request (and a TypeScript loader adds a name helper call to every closure made).
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  #settled = false;
  #controller: Dispatcher.DispatchController | undefined;
  #aborted = false;
  #statusCode = 0;
  #headers: Headers = {};
  readonly #chunks: Buffer[] = [];
  #length = 0;
  readonly #maxBodyBytes: number;
  readonly #resolve: (result: ExchangeResult) => void;
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(maxBodyBytes: number, resolve: (result: ExchangeResult) => void, timeoutMs: number) {
    this.#maxBodyBytes = maxBodyBytes;
    this.#resolve = resolve;
    this.#timer = setTimeout(onDeadline, timeoutMs, this);
  }

  finish(result: ExchangeResult): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#resolve(result);
  }

  /** Drops the exchange (its connection is not reused); before it reached a connection, `onRequestStart` does it. */
  stop(reason: string): void {
    this.#aborted = true;
    this.#controller?.abort(new Error(reason));
  }

  #respond(truncated: boolean): void {
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#length);
    this.finish({ kind: 'response', response: { statusCode: this.#statusCode, headers: this.#headers, body, truncated } });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#aborted) controller.abort(new Error(DEADLINE));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[2]): void {
    // 1xx informational answers come before the real one: only the last call counts.
    this.#statusCode = statusCode;
    this.#headers = headers as Headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    const room = this.#maxBodyBytes - this.#length;
    if (chunk.length <= room) {
      this.#chunks.push(chunk);
      this.#length += chunk.length;
      return;
    }
    // A hostile endpoint may stream without end: keep what fits, then drop the connection.
    if (room > 0) this.#chunks.push(chunk.subarray(0, room));
    this.#length += Math.max(0, room);
    this.#respond(true);
    this.stop('eventfuzz: the body passed its bound');
  }

  onResponseEnd(): void {
    this.#respond(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish({ kind: 'error', error });
  }
}
