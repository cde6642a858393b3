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
    let settled = false;
    let abort: ((reason: Error) => void) | undefined;
    let aborted = false;
    let statusCode = 0;
    let headers: Headers = {};
    const chunks: Buffer[] = [];
    let length = 0;

    const finish = (result: ExchangeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const stop = (reason: string): void => {
      aborted = true;
      // Before the request reached a connection there is nothing to abort yet: `onRequestStart` does it then.
      abort?.(new Error(reason));
    };
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      stop('eventfuzz: the exchange passed its deadline');
    }, options.timeoutMs);
    const respond = (truncated: boolean): void =>
      finish({ kind: 'response', response: { statusCode, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length), truncated } });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        abort = (reason) => controller.abort(reason);
        if (aborted) controller.abort(new Error('eventfuzz: the exchange passed its deadline'));
      },
      onResponseStart(_controller, status, responseHeaders) {
        // 1xx informational answers come before the real one: only the last call counts.
        statusCode = status;
        headers = responseHeaders as Headers;
      },
      onResponseData(_controller, chunk) {
        if (settled) return;
        const room = options.maxBodyBytes - length;
        if (chunk.length <= room) {
          chunks.push(chunk);
          length += chunk.length;
          return;
        }
        // A hostile endpoint may stream without end: keep what fits, then drop the connection.
        if (room > 0) chunks.push(chunk.subarray(0, room));
        length += Math.max(0, room);
        respond(true);
        stop('eventfuzz: the body passed its bound');
      },
      onResponseEnd() {
        respond(false);
      },
      onResponseError(_controller, error) {
        finish({ kind: 'error', error });
      },
    };
    try {
      dispatcher.dispatch(
        {
          origin: options.origin,
          path: options.path,
          method: options.method,
          headers: options.headers,
          body: options.body,
          // The deadline above covers the whole exchange; undici's per-phase timers would only race it.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      );
    } catch (error) {
      // A dispatcher hands invalid options to `onResponseError`; one that throws instead is answered the same way.
      finish({ kind: 'error', error });
    }
  });
}
