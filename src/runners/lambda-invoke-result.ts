import type { Outcome } from '../core/observation.js';
import type { SerializedError } from '../core/serialize-error.js';
import { safeParse } from '../core/safe-globals.js';

/** The part of the Invoke API's answer the mapping reads (`InvokeCommandOutput` has these fields). */
export interface InvokeResponse {
  readonly FunctionError?: string | undefined;
  readonly LogResult?: string | undefined;
  readonly Payload?: Uint8Array | undefined;
}

/** What one Invoke answer says happened, in eventfuzz's terms. */
export interface InvokeResultMapping {
  readonly outcome: Outcome;
  /** The decoded log tail, one entry per line (the first may be cut: Lambda sends the last 4 KB). */
  readonly logs: readonly string[];
  /** The log stream (one per execution environment) when the log names it, else 'remote'. */
  readonly instance: string;
  /** The handler's own duration from the REPORT line of this request, when the tail holds it. */
  readonly reportedDurationMs: number | undefined;
}

const TIMED_OUT = /Task timed out after (\d+(?:\.\d+)?) seconds/;
const LOG_STREAM = /\d{4}\/\d{2}\/\d{2}\/\[[^\]\s]+\][0-9a-f]{32}/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Fixed patterns that capture the request id (compared as a string): a pattern built per request would be
// compiled per request, and that cost more than the rest of the mapping together.
const OWN_TIMEOUT_LINE = /^\S+ (\S+) Task timed out after (\d+(?:\.\d+)?) seconds$/;
const REPORT_LINE = /^REPORT RequestId: (\S+)\tDuration: (\d+(?:\.\d+)?) ms/;
const decoder = new TextDecoder();

/**
 * Maps an Invoke answer (RequestResponse, LogType Tail) to an outcome, as AWS documents it: without
 * FunctionError the payload is what the handler returned (JSON, or the text as is); with it the payload is
 * `{errorType, errorMessage, trace}` and says whether the handler threw, the runtime died (`Runtime.*`) or the
 * invocation timed out (`Sandbox.Timedout`, "Task timed out after N.NN seconds").
 *
 * `requestId` (x-amzn-RequestId) ties log lines to this invocation: a handler that logs or throws the words
 * "Task timed out" (a payload reflected into a message) must not pass for a timeout.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
 */
export function mapInvokeResult(response: InvokeResponse, requestId: string | undefined, wallMs: number): InvokeResultMapping {
  const logs = decodeLogTail(response.LogResult);
  const reportedDurationMs = reportedDuration(logs, requestId);
  const payload = decodePayload(response.Payload);
  const instance = logs.map((line) => LOG_STREAM.exec(line)?.[0]).find((name) => name !== undefined) ?? 'remote';
  const base = { logs, instance, reportedDurationMs };
  if (response.FunctionError === undefined || response.FunctionError === '') return { ...base, outcome: { kind: 'returned', value: payload } };

  const error = errorFromPayload(payload);
  const limitS = timedOutSeconds(error, logs, requestId);
  if (limitS !== undefined) return { ...base, outcome: { kind: 'timeout', limitMs: limitS === null ? (reportedDurationMs ?? wallMs) : limitS * 1000 } };
  if (error.name.startsWith('Runtime.') && error.isError) return { ...base, outcome: runtimeDeath(error) };
  // Older runtimes may leave errorType out; the handler still threw something.
  return { ...base, outcome: { kind: 'threw', error: error.name === '' ? { ...error, name: 'Error' } : error } };
}

/** Base64 of the log's last 4 KB → lines; a trailing newline gives no empty last line. */
export function decodeLogTail(logResult: string | undefined): string[] {
  if (logResult === undefined || logResult === '') return [];
  const lines = Buffer.from(logResult, 'base64').toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.length -= 1;
  return lines;
}

function decodePayload(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined || bytes.length === 0) return undefined;
  const text = decoder.decode(bytes);
  try {
    return safeParse(text) as unknown;
  } catch {
    return text; // not JSON (some emulators wrap strings badly): the text is still what came back
  }
}

/** `{errorType, errorMessage, trace}` as a SerializedError; anything else (a bare string) as a non-Error. */
function errorFromPayload(payload: unknown): SerializedError {
  if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
    const record = payload as Record<string, unknown>;
    const trace = Array.isArray(record['trace']) ? record['trace'].filter((line): line is string => typeof line === 'string') : [];
    const name = typeof record['errorType'] === 'string' ? record['errorType'] : undefined;
    const message = typeof record['errorMessage'] === 'string' ? record['errorMessage'] : undefined;
    if (name !== undefined || message !== undefined) {
      return { name: name ?? '', message: message ?? '', stack: trace.length === 0 ? undefined : trace.join('\n'), code: undefined, isError: true };
    }
  }
  const message = typeof payload === 'string' ? payload : payload === undefined ? '' : JSON.stringify(payload);
  return { name: 'Error', message, stack: undefined, code: undefined, isError: false };
}

/**
 * The configured limit in seconds when Lambda stopped the invocation at its timeout (null: it did, but gave no
 * number), undefined when it did not. Evidence, strongest first: errorType Sandbox.Timedout; Lambda's own timeout
 * line or a `Status: timeout` REPORT for this request in the tail; the message of older runtimes, which carry no
 * errorType at all. An error the handler threw has an errorType, so its message is never read for this.
 */
function timedOutSeconds(error: SerializedError, logs: readonly string[], requestId: string | undefined): number | null | undefined {
  const fromMessage = TIMED_OUT.exec(error.message);
  const seconds = (match: RegExpExecArray | null | undefined): number | null => (match?.[1] === undefined ? null : Number(match[1]));
  if (error.name === 'Sandbox.Timedout') return seconds(fromMessage);
  for (const line of logs) {
    const match = OWN_TIMEOUT_LINE.exec(line);
    if (match !== null && isThisRequest(match[1], requestId)) return match[2] === undefined ? null : Number(match[2]);
  }
  const timedOutReport = (line: string): boolean => {
    const match = REPORT_LINE.exec(line);
    return match !== null && isThisRequest(match[1], requestId) && /\sStatus: timeout\b/.test(line);
  };
  if (logs.some(timedOutReport)) return seconds(fromMessage);
  if (error.isError && error.name === '' && fromMessage !== null) return seconds(fromMessage);
  return undefined;
}

/** Runtime.ExitError ("exit status 1", "signal: killed"), Runtime.OutOfMemory, Runtime.UnhandledPromiseRejection, other Runtime.* failures. */
function runtimeDeath(error: SerializedError): Outcome {
  if (error.name === 'Runtime.OutOfMemory') return { kind: 'crashed', reason: 'out-of-memory', exitCode: null, error };
  if (error.name === 'Runtime.UnhandledPromiseRejection') return { kind: 'crashed', reason: 'unhandled-rejection', exitCode: null, error };
  if (/Runtime exited with error: signal:/.test(error.message)) return { kind: 'crashed', reason: 'signal', exitCode: null, error };
  const status = /exit status (\d+)/.exec(error.message)?.[1];
  return { kind: 'crashed', reason: 'exit', exitCode: status === undefined ? null : Number(status), error };
}

function reportedDuration(logs: readonly string[], requestId: string | undefined): number | undefined {
  // The REPORT line is last: read from the end.
  for (let i = logs.length - 1; i >= 0; i--) {
    const match = REPORT_LINE.exec(logs[i] ?? '');
    if (match !== null && isThisRequest(match[1], requestId)) return Number(match[2]);
  }
  return undefined;
}

/** Without a request id (no x-amzn-RequestId header), any UUID-shaped id is taken as this request's. */
function isThisRequest(id: string | undefined, requestId: string | undefined): boolean {
  return requestId === undefined ? id !== undefined && UUID.test(id) : id === requestId;
}
