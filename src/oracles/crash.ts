import type { Finding, Outcome, SerializedError } from '../core/index.js';
import type { OracleContext } from './types.js';
import { redact } from './redact.js';
import { defineOracle } from './types.js';

const MAX_MESSAGE = 300;
const SIGNATURE_FRAMES = 3;
const CANARIES = /efz[a-z0-9]{12}/g; // CANARY_PATTERN, global: scrub every occurrence

/** @internal One stack frame of the handler's own code, normalised for deduplication. */
export interface Frame {
  /** Function name as V8 prints it (`Object.handler`, `new Parser`), `<anonymous>` when it has none. */
  readonly fn: string;
  /** The last two path segments: portable across checkouts and machines, still tells files apart. */
  readonly file: string;
  readonly line: number | null;
}

type Crashed = Extract<Outcome, { kind: 'crashed' }>;

/**
 * The handler threw or rejected (`threw`: medium), or its runtime died (`crashed`: exit, out of memory, uncaught
 * exception, unhandled rejection, worker error: high). A handler that *returns* an error response (API Gateway
 * `statusCode: 500`) did not crash; `error-disclosure` judges what such a response reveals.
 *
 * Signature: error type (name, plus `code` when present; `non-error:<typeof>` for thrown strings and objects)
 * and the top 3 frames of the handler's own code, as `file:function` without line and
 * column so a replay still matches after unrelated edits (anonymous functions keep their line, which is all that
 * tells them apart). Messages are never part of it: they carry payloads and canaries and would make every case a
 * new bug. For `crashed`: the reason (and exit code for `exit`), plus type and frames when an error is known, since
 * an uncaught exception is a throw that escaped and different sites are different bugs.
 */
export const crash = defineOracle({
  id: 'crash',
  description: 'The handler threw or rejected, or its runtime died (process exit, out of memory, uncaught exception).',
  docs: {
    cwe: 'CWE-248',
    securitySeverity: '5.3',
    help: "The handler threw, rejected or its runtime died on an event an outside party can send. On Lambda an uncaught error fails the invocation: the event is retried, lands in a dead-letter queue or blocks its batch, and one crafted message can stop a whole queue from draining.",
    fix: "Validate and parse the event fields before use, catch errors around each record and fail only that record (for SQS, report a partial batch failure), and never let a payload reach `process.exit` or an unbounded allocation.",
  },
  check(observation, context): readonly Finding[] {
    const outcome = observation.outcome;
    if (outcome.kind === 'threw') return [thrownFinding(outcome.error, context)];
    if (outcome.kind === 'crashed') return [crashedFinding(outcome, context, context.remote === true)];
    return [];
  },
});

function thrownFinding(error: SerializedError, context: OracleContext): Finding {
  const type = errorType(error);
  const frames = handlerFrames(error);
  return {
    oracle: 'crash',
    confidence: 'confirmed',
    severity: 'medium',
    title: error.isError ? `Handler threw ${error.name}` : `Handler threw a non-Error value (${error.name})`,
    evidence: errorEvidence(error, frames, context),
    signature: scrub(`threw:${type}${framesSignature(frames)}`),
  };
}

const CRASH_TITLES: Record<Crashed['reason'], string> = {
  exit: 'Handler exited the runtime',
  signal: 'Handler killed the runtime with a signal',
  'out-of-memory': 'Handler ran the runtime out of memory',
  'uncaught-exception': 'Uncaught exception killed the runtime',
  'unhandled-rejection': 'Unhandled promise rejection killed the runtime',
  'worker-error': 'The runtime worker failed',
};

/**
 * A remote target (no probes, so no effects) tells only that its integration failed: API Gateway's "Internal
 * server error" may be a throw, an exit, a timeout or a malformed result inside the function.
 */
const REMOTE_WORKER_ERROR_TITLE = 'The function failed behind the endpoint (an internal server error)';

function crashedFinding(outcome: Crashed, context: OracleContext, remote: boolean): Finding {
  const exit = outcome.reason === 'exit' ? `:${outcome.exitCode ?? 'null'}` : '';
  const error = outcome.error;
  const frames = error === undefined ? [] : handlerFrames(error);
  const cause = error === undefined ? '' : `:${errorType(error)}${framesSignature(frames)}`;
  const exitLine = outcome.exitCode === null ? '' : `exit code ${outcome.exitCode}`;
  const details = [exitLine, error === undefined ? '' : errorEvidence(error, frames, context)].filter((s) => s !== '');
  return {
    oracle: 'crash',
    confidence: 'confirmed',
    severity: 'high',
    title:
      outcome.reason === 'exit'
        ? `${CRASH_TITLES.exit} (code ${outcome.exitCode ?? 'none'})`
        : remote && outcome.reason === 'worker-error'
          ? REMOTE_WORKER_ERROR_TITLE
          : CRASH_TITLES[outcome.reason],
    evidence: details.length > 0 ? details.join('; ') : `runtime died: ${outcome.reason}`,
    signature: scrub(`crashed:${outcome.reason}${exit}${cause}`),
  };
}

function errorType(error: SerializedError): string {
  if (!error.isError) return `non-error:${error.name}`;
  return error.code === undefined ? error.name : `${error.name}[${error.code}]`;
}

function framesSignature(frames: readonly Frame[]): string {
  const top = frames
    .slice(0, SIGNATURE_FRAMES)
    .map((f) => (f.fn === '<anonymous>' ? `${f.file}:${f.fn}:${f.line ?? '?'}` : `${f.file}:${f.fn}`));
  return top.length > 0 ? `@${top.join('>')}` : '';
}

function errorEvidence(error: SerializedError, frames: readonly Frame[], context: OracleContext): string {
  const message = error.message.length > MAX_MESSAGE ? `${error.message.slice(0, MAX_MESSAGE)}…` : error.message;
  const head = error.isError ? `${error.name}: ${message}` : `non-Error value thrown (${error.name}): ${message}`;
  const where = frames
    .slice(0, SIGNATURE_FRAMES)
    .map((f) => `at ${f.fn} (${f.file}${f.line === null ? '' : `:${f.line}`})`);
  // Messages can quote the environment (`connect failed for user:password@…`): evidence is always masked.
  return redact([head, ...where].join(' '), context.secrets);
}

function scrub(signature: string): string {
  return signature.replace(CANARIES, '<canary>');
}

/**
 * @internal The frames of `error.stack` that belong to the handler: no node internals, no dependencies, not
 * eventfuzz's own runner and probe code. Parsing starts after the message, so a payload that puts `\n    at …`
 * into a message cannot forge frames.
 */
export function handlerFrames(error: SerializedError): readonly Frame[] {
  const stack = error.stack;
  if (stack === undefined) return [];
  // serializeError clips long messages with a suffix that is not in the stack; match on the unclipped part.
  const message = error.message.replace(/… \(\d+ more chars\)$/, '');
  const afterMessage = message.length > 0 ? stack.indexOf(message) : -1;
  const body = afterMessage >= 0 ? stack.slice(afterMessage + message.length) : stack;
  const frames: Frame[] = [];
  for (const line of body.split('\n')) {
    const frame = parseFrame(line);
    if (frame !== undefined) frames.push(frame);
  }
  return frames;
}

const FRAME_LINE = /^\s*at (?:async )?(?:(.+?) \((.+)\)|(.+))$/;
const LOCATION = /^(.*?)(?::(\d+))?(?::(\d+))?$/;
const EVAL_ORIGIN = /^eval at (.+?) \((.+?)\)/;
// Node internals and builtins, dependencies, and eventfuzz's own runner and probe frames (in a deployed function,
// the layer's bundle under /opt/eventfuzz/probes/, whose wrapper calls the handler).
const FOREIGN =
  /^(?:node:|internal\/|native$|<anonymous>$|index \d+$)|\/node_modules\/|(?:^|\/)src\/(?:runners|probes|layer)\/|\/eventfuzz\/probes\//;

function parseFrame(line: string): Frame | undefined {
  const match = FRAME_LINE.exec(line);
  if (match === null) return undefined;
  let fn = match[1] ?? '<anonymous>';
  let location = match[2] ?? match[3] ?? '';
  // `eval at handler (/task/h.js:3:5), <anonymous>:1:1`: evaluated code has no file; attribute it to the caller.
  const evalOrigin = EVAL_ORIGIN.exec(location);
  if (evalOrigin !== null) {
    fn = `${fn} in ${evalOrigin[1] ?? '<anonymous>'}`;
    location = evalOrigin[2] ?? '';
  }
  location = location.replace(/^file:\/\//, '').replace(/\?[^:]*/, '').replaceAll('\\', '/');
  const parts = LOCATION.exec(location);
  const path = parts?.[1] ?? location;
  if (path === '' || FOREIGN.test(path)) return undefined;
  const lineNumber = parts?.[2];
  return { fn, file: path.split('/').slice(-2).join('/'), line: lineNumber === undefined ? null : Number(lineNumber) };
}
