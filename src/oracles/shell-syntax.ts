/**
 * Whether a script parses as a POSIX shell parses it, with a real shell grammar (mvdan/sh through `sh-syntax`).
 * A command injection is confirmed only when the whole script parses: `sh` refuses a script with a syntax error
 * before running any of it, so a payload in "command position" of such a script never runs.
 *
 * `sh-syntax` is asynchronous (a Go program in WebAssembly) while oracles are synchronous, so the parser lives in
 * one lazily started, unref'd worker thread and each lookup blocks on `Atomics.wait` until the worker answers
 * (a few milliseconds). Answers are cached by script: a campaign sends the same handler template again and again.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** The parser's answer for one script. `unknown` when the parser could not answer in time or failed to start. */
export type ShellSyntaxVerdict = { readonly parses: true } | { readonly parses: false; readonly reason: string } | { readonly parses: 'unknown'; readonly reason: string };

const CACHE_LIMIT = 2_048;
/** Generous: the first call compiles the WebAssembly module (~100 ms), and the machine may be loaded. */
const ANSWER_TIMEOUT_MS = 10_000;

// Runs in the worker: parse each script with the POSIX variant and report ok or the parser's message.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag, modulePath } = workerData;
const ready = Promise.resolve().then(() => require(modulePath));
port.on('message', async (script) => {
  let answer;
  try {
    const { parse, LangVariant } = await ready;
    await parse(script, { variant: LangVariant.LangPOSIX });
    answer = { parses: true };
  } catch (error) {
    const failed = error && typeof error === 'object' && 'Text' in error;
    answer = failed ? { parses: false, reason: String(error.Text ?? error.message) } : { parses: 'unknown', reason: String(error && error.message) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Parser {
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

const cache = new Map<string, ShellSyntaxVerdict>();
let parser: Parser | undefined;
let broken: string | undefined;

/** Parses `script` as POSIX `sh` would (without running it); cached. Never throws. */
export function shellSyntax(script: string): ShellSyntaxVerdict {
  const known = cache.get(script);
  if (known !== undefined) return known;
  const verdict = ask(script);
  if (verdict.parses !== 'unknown') {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(script, verdict);
  }
  return verdict;
}

function ask(script: string): ShellSyntaxVerdict {
  if (broken !== undefined) return { parses: 'unknown', reason: broken };
  try {
    parser ??= startParser();
    const { port, flag } = parser;
    Atomics.store(flag, 0, 0);
    port.postMessage(script);
    const waited = Atomics.wait(flag, 0, 0, ANSWER_TIMEOUT_MS);
    const message = receiveMessageOnPort(port);
    if (waited === 'timed-out' || message === undefined) return { parses: 'unknown', reason: 'the shell parser did not answer in time' };
    return message.message as ShellSyntaxVerdict;
  } catch (error) {
    broken = `the shell parser failed to start: ${error instanceof Error ? error.message : String(error)}`;
    return { parses: 'unknown', reason: broken };
  }
}

function startParser(): Parser {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  // The CommonJS build: the eval'd worker is a CommonJS script, and the path resolves from eventfuzz's own modules.
  const modulePath = createRequire(import.meta.url).resolve('sh-syntax');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag, modulePath }, transferList: [port2] });
  worker.unref();
  port1.unref();
  worker.on('error', (error) => {
    broken = `the shell parser stopped: ${error.message}`;
  });
  return { port: port1, flag };
}
