/**
 * The response half of API Gateway's mapping (see apigw-request.ts for the request half): an HTTP response becomes the
 * `Outcome` the local runners would have reported for the handler's proxy result. Pure: no I/O, no clock.
 */
import type { Observation, Outcome, SerializedError } from '../core/index.js';
import type { Buffer } from 'node:buffer';
import { retryAfterMs } from './retry-after.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An HTTP response as the runner read it: the body bounded, with `truncated` when it was cut. */
export interface HttpResponseParts {
  readonly statusCode: number;
  /** Names lower-case (as undici gives them); repeated headers as arrays. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  /** The body was longer than the runner reads: `body` holds its first `body.length` bytes. */
  readonly truncated: boolean;
}

/** The proxy-integration result the response stands for: what the local runners return as `outcome.value`. */
export interface ProxyResultValue {
  readonly statusCode: number;
  /** One value per name, repeated values joined with `, ` (`set-cookie` only in `multiValueHeaders`, never joined). */
  readonly headers: Record<string, string>;
  /** Every header that came more than once, and every `set-cookie`. Absent when there is none. */
  readonly multiValueHeaders?: Record<string, string[]>;
  /** UTF-8 text when the bytes are valid UTF-8, else base64 with `isBase64Encoded`. */
  readonly body: string;
  readonly isBase64Encoded: boolean;
  /** Present when the body was cut: how many bytes were read (the rest was not). */
  readonly truncatedAtBytes?: number;
}

const GATEWAY_FAILED = /^internal server error$/i;
const GATEWAY_TIMED_OUT = /^endpoint request timed out$/i;

/**
 * What the status and body say happened on the other side:
 * - 502 or 500 with API Gateway's own body `{"message": "Internal server error"}` (REST says 502 and that casing, HTTP
 *   APIs 500 and `Internal Server Error`; a Function URL answers 502 with the bare text): the function failed. That is a
 *   `crashed` outcome with reason `worker-error`, the one reason that claims no more than is known: the gateway says
 *   only that the integration failed, not whether the function threw, exited its runtime, ran out of memory or time
 *   inside Lambda, or returned a malformed result (the cause is in its logs, which HTTP does not carry). Claiming
 *   `uncaught-exception` or `exit` would be a guess. Status and body are the error's message, the crash oracle's
 *   evidence; the status is its `code`, so the signature says which gateway answer it was.
 * - 504 with `{"message": "Endpoint request timed out"}`: the gateway's integration timeout, a `timeout` whose limit is
 *   the time it took to say so (the gateway's limit is not ours to know).
 * - 429: throttling, `transport-error` named `ThrottlingError`, for the guard to back off on. A handler that itself
 *   returns 429 looks the same from outside; that is a backoff, not a finding, either way.
 * - 503 with a `Retry-After`: the server asks to be left alone for a while, the same `ThrottlingError`. A 503
 *   without one is the handler's answer like any other.
 * - A throttle's `Retry-After` (seconds, or an HTTP-date measured from the answer's `Date`, else from
 *   `receivedAtMs`, epoch ms) is `retryAfterMs` on the outcome, a field of its own for the guard to wait on.
 * - Anything else, 5xx included, is a `returned` proxy result: the handler answered, and a 500 it chose to return is
 *   for `error-disclosure` to read, as with the local runners.
 */
export function outcomeFromResponse(response: HttpResponseParts, elapsedMs: number, receivedAtMs?: number): Outcome {
  const { statusCode } = response;
  const retryAfter = statusCode === 429 || statusCode === 503 ? retryAfterMs(response.headers['retry-after'], response.headers['date'], receivedAtMs) : undefined;
  if (statusCode === 429 || retryAfter !== undefined) {
    const error = remoteError('ThrottlingError', response, `the endpoint is throttling requests (${statusCode})`);
    return retryAfter === undefined ? { kind: 'transport-error', error } : { kind: 'transport-error', error, retryAfterMs: retryAfter };
  }
  const message = gatewayMessage(response);
  if ((statusCode === 502 || statusCode === 500) && message !== undefined && GATEWAY_FAILED.test(message)) {
    const error = remoteError('InternalServerError', response, "the function failed behind API Gateway (it threw, exited, timed out inside Lambda or returned a malformed result; the cause is only in the function's logs)");
    return { kind: 'crashed', reason: 'worker-error', exitCode: null, error };
  }
  if (statusCode === 504 && message !== undefined && GATEWAY_TIMED_OUT.test(message)) {
    return { kind: 'timeout', limitMs: Math.round(elapsedMs) };
  }
  return { kind: 'returned', value: proxyResult(response) };
}

/** {@link outcomeFromResponse} as a remote Observation: no effects (nothing is probed), no logs (HTTP carries none). */
export function observationFromResponse(caseId: string, response: HttpResponseParts, durationMs: number, receivedAtMs?: number): Observation {
  return { caseId, outcome: outcomeFromResponse(response, durationMs, receivedAtMs), durationMs, logs: [], effects: undefined, instance: REMOTE_INSTANCE };
}

/**
 * The instance id of every remote observation. Which warm container served a request is invisible over HTTP, so all
 * requests count as one instance: for `state-leak` every earlier case of the run is "earlier on this instance", and a
 * canary from any of them (within the engine's per-instance history) in this response is a leak between callers.
 */
export const REMOTE_INSTANCE = 'remote';

/** The `message` of a small JSON body `{"message": "…"}`, or a short plain-text body; `undefined` otherwise. */
function gatewayMessage(response: HttpResponseParts): string | undefined {
  if (response.body.length > 256 || response.truncated) return undefined;
  const text = response.body.toString('utf8').trim();
  if (!text.startsWith('{')) return text;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!isRecord(parsed)) return undefined;
    const keys = Object.keys(parsed);
    return keys.length === 1 && typeof parsed['message'] === 'string' ? parsed['message'] : undefined;
  } catch {
    return undefined;
  }
}

const MAX_EVIDENCE_BODY = 300;
/** Shared: a non-streaming decode keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function remoteError(name: string, response: HttpResponseParts, meaning: string): SerializedError {
  const text = response.body.subarray(0, MAX_EVIDENCE_BODY).toString('utf8');
  const cut = response.body.length > MAX_EVIDENCE_BODY || response.truncated ? '…' : '';
  return {
    name,
    message: `HTTP ${response.statusCode}: ${meaning}; body: ${text}${cut}`,
    stack: undefined,
    code: String(response.statusCode),
    isError: true,
  };
}

function proxyResult(response: HttpResponseParts): ProxyResultValue {
  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    const values = typeof value === 'string' ? [value] : [...value];
    if (values.length > 1 || name === 'set-cookie') multi[name] = values;
    if (name !== 'set-cookie') headers[name] = values.join(', ');
  }
  let body: string;
  let isBase64Encoded = false;
  try {
    // Streaming mode: a multi-byte character cut by truncation is left out instead of making the text "binary".
    body = response.truncated ? new TextDecoder('utf-8', { fatal: true }).decode(response.body, { stream: true }) : UTF8.decode(response.body);
  } catch {
    body = response.body.toString('base64');
    isBase64Encoded = true;
  }
  return {
    statusCode: response.statusCode,
    headers,
    ...(Object.keys(multi).length > 0 ? { multiValueHeaders: multi } : {}),
    body,
    isBase64Encoded,
    ...(response.truncated ? { truncatedAtBytes: response.body.length } : {}),
  };
}
