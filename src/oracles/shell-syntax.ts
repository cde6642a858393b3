/**
 * Whether a script parses as a POSIX shell parses it, with a real shell grammar (mvdan/sh through `sh-syntax`).
 * A command injection is confirmed only when the whole script parses: `sh` refuses a script with a syntax error
 * before running any of it, so a payload in "command position" of such a script never runs.
 *
 * `sh-syntax` is asynchronous (a Go program in WebAssembly) while oracles are synchronous, so the parser lives in
 * one lazily started, unref'd worker thread and each lookup blocks on `Atomics.wait` until the worker answers
 * (a few milliseconds). Answers are cached by script with the case's token replaced by a fixed one of the same
 * shape (tokens are `[a-z0-9]`, so the parse is the same): the handler builds the same script around every token.
 * Each question carries an id, so a late answer to an earlier question is never taken for this one; a parser that
 * did not answer in time is not asked again (every later script is `unknown`, so tainted, never a hang per case).
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
port.on('message', async ({ id, script }) => {
  let answer;
  try {
    const { parse, LangVariant } = await ready;
    await parse(script, { variant: LangVariant.LangPOSIX });
    answer = { parses: true };
  } catch (error) {
    const failed = error && typeof error === 'object' && 'Text' in error;
    answer = failed ? { parses: false, reason: String(error.Text ?? error.message) } : { parses: 'unknown', reason: String(error && error.message) };
  }
  port.postMessage({ id, verdict: answer });
  Atomics.add(flag, 0, 1);
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

let lastId = 0;

/**
 * Parses `script` as POSIX `sh` would (without running it); cached. `token`, when given, is the case's canary: it
 * is replaced by a fixed token for the lookup and the parse, so one handler template is parsed once. Never throws.
 */
export function shellSyntax(script: string, token?: string): ShellSyntaxVerdict {
  const key = token === undefined || token === '' ? script : script.split(token).join('z'.repeat(token.length));
  const known = cache.get(key);
  if (known !== undefined) return known;
  const verdict = ask(key);
  if (verdict.parses !== 'unknown') {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, verdict);
  }
  return verdict;
}

function ask(script: string): ShellSyntaxVerdict {
  if (broken !== undefined) return { parses: 'unknown', reason: broken };
  try {
    parser ??= startParser();
    const { port, flag } = parser;
    const id = ++lastId;
    port.postMessage({ id, script });
    const deadline = performance.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      // Read the answer counter before draining: a wait on that value returns at once if an answer came since.
      const answered = Atomics.load(flag, 0);
      for (let message = receiveMessageOnPort(port); message !== undefined; message = receiveMessageOnPort(port)) {
        const answer = message.message as { readonly id: number; readonly verdict: ShellSyntaxVerdict };
        if (answer.id === id) return answer.verdict;
      }
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(flag, 0, answered, left) === 'timed-out') {
        broken = 'the shell parser did not answer in time';
        return { parses: 'unknown', reason: broken };
      }
    }
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
  worker.on('exit', () => {
    broken ??= 'the shell parser exited';
  });
  return { port: port1, flag };
}
