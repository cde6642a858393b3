import type { Outcome } from '../core/observation.js';
import type { SerializedError } from '../core/serialize-error.js';
import { safeClearTimeout, safeSetTimeout } from '../core/safe-globals.js';
import { serializeError } from '../core/serialize-error.js';

/** Node-style completion: the Lambda `callback(error, result)`, also behind `context.done/succeed/fail`. */
export type Settle = (error: unknown, result?: unknown) => void;

/** How to run one handler call under a deadline. */
export interface DeadlineOptions {
  readonly limitMs: number;
  /**
   * Wait for `settle` when the call returns something that is not a promise (a callback-style handler, arity 3).
   * Otherwise a plain return value is the result. (Lambda would ignore it and answer `null` once the event loop
   * drains; taking the value is more useful for synchronous handlers and cannot hide a finding.)
   */
  readonly waitForCallback: boolean;
  /** Receives a function that ends the call early with another outcome (a crash attributed to it). */
  readonly interrupt?: (finish: (outcome: Outcome) => void) => void;
}

const apply = Reflect.apply;
const promiseThen = Promise.prototype.then;

/**
 * Runs `call` and turns whatever happens into an Outcome: the first of a returned promise settling, the callback
 * being called, a thrown exception, or the deadline passing (STYLE practice 10). Never rejects. A synchronous
 * infinite loop inside `call` cannot be stopped from the same thread: that is what the isolated runner is for.
 */
export function runWithDeadline(call: (settle: Settle) => unknown, options: DeadlineOptions): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let finished = false;
    const finish = (outcome: Outcome): void => {
      if (finished) return;
      finished = true;
      safeClearTimeout(timer);
      resolve(outcome);
    };
    const timer = safeSetTimeout(() => finish({ kind: 'timeout', limitMs: options.limitMs }), options.limitMs);
    const settle: Settle = (error, result) => {
      // The runtime treats any non-null first argument as a failure, including `callback('text')`.
      finish(error === null || error === undefined ? { kind: 'returned', value: result } : threw(error));
    };
    options.interrupt?.(finish);
    try {
      const returned = call(settle);
      const then = thenOf(returned);
      if (then !== undefined) {
        // Through the captured `then`: the handler may have patched Promise.prototype.then.
        apply(then, returned, [(value: unknown) => finish({ kind: 'returned', value }), (error: unknown) => finish(threw(error))]);
      } else if (!options.waitForCallback) {
        finish({ kind: 'returned', value: returned });
      }
    } catch (error) {
      finish(threw(error));
    }
  });
}

/** A thrown value as a `threw` outcome, its stack cleaned of loader artefacts. */
export function threw(error: unknown): Outcome {
  return { kind: 'threw', error: handlerError(error) };
}

/**
 * The per-instance queries of module URLs: tsx's namespaced import (on Node 22.12+ and 24, where `require` loads
 * ES modules, tsx's CommonJS path adds `?namespace=<id>&tsx-commonjs-virtual-query=1`) and the worker's fresh
 * module instances (`worker/fresh-instance-hooks.mjs`). Left in a stack, they would make call sites differ
 * between instances. Node 24 prints tsx's file URL with its own `?` percent-encoded (`index.ts%3Fnamespace=…`).
 */
export const INSTANCE_QUERY = /(?:[?&]|%3[Ff])(?:tsx-namespace=[\w-]+|namespace=[\w-]+|tsx-commonjs-virtual-query=\d+|efz-instance=\d+)/g;

/** `serializeError` with the stack cleaned by {@link cleanHandlerStack}. */
export function handlerError(error: unknown): SerializedError {
  const serialized = serializeError(error);
  const stack = serialized.stack;
  if (stack === undefined) return serialized;
  const cleaned = cleanHandlerStack(stack);
  return cleaned === stack ? serialized : { ...serialized, stack: cleaned };
}

/**
 * A frame of a TypeScript file that tsx compiled in-process for a CommonJS package: `at fn (data:text/javascript,
 * <the whole compiled module, percent-encoded, with this instance's namespace in it>:line:col)`. One line, since
 * the encoding leaves no raw newline; the compiled source opens with `__filename="<file>";`. The rest of the line
 * is taken whatever it is: a long stack arrives cut short, in the middle of the URL.
 */
const TSX_DATA_URL_FRAME = /data:text\/javascript,__filename%3D%22((?:[^%\n]|%(?!22)[0-9A-Fa-f]{2})*)%22[^\n]*/g;

/**
 * A handler's stack as the user reads it and as findings are told apart by: without {@link INSTANCE_QUERY} (which
 * would make call sites differ between instances), and with each tsx data: URL frame shown as the file it was
 * compiled from. Its line numbers are the compiled code's, so only the file is honest to keep; without this the
 * frame holds the module's entire source and a per-instance id, so every instance's crash looked new.
 */
export function cleanHandlerStack(stack: string): string {
  return stack.replace(INSTANCE_QUERY, '').replace(TSX_DATA_URL_FRAME, (frame, encodedFile: string) => {
    try {
      return decodeURIComponent(encodedFile) + (frame.endsWith(')') ? ')' : '');
    } catch {
      return frame;
    }
  });
}

function thenOf(value: unknown): ((...args: unknown[]) => unknown) | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  if (value instanceof Promise) return promiseThen as (...args: unknown[]) => unknown;
  const then = (value as { then?: unknown }).then; // a hostile getter throws into the caller's try
  return typeof then === 'function' ? (then as (...args: unknown[]) => unknown) : undefined;
}
