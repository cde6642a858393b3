import type { LayerRequest } from './protocol.js';
import { readLayerRequest } from './protocol.js';

/** The probes' recording window, as the layer's loader opens and closes it around one marked invocation. */
export interface LayerWindow {
  begin(request: LayerRequest, event: unknown): void;
  /** Closes the window and writes the invocation's summary line; safe to call more than once per invocation. */
  end(): void;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
const apply = Reflect.apply;
const defineProperty = Reflect.defineProperty;

/**
 * The handler as the runtime will call it: an invocation without eventfuzz's client context goes straight to the
 * original (real traffic, console tests: the layer stays out of the way); a marked one runs inside the probes'
 * window, closed when the handler settles, by promise or by callback. The wrapper keeps the original's `length`:
 * runtimes and middlewares tell callback handlers by their arity.
 */
export function wrapHandler(original: AnyFunction, window: LayerWindow): AnyFunction {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const request = readLayerRequest(args[1]);
    if (request === undefined) return apply(original, this, args);
    window.begin(request, args[0]);
    const callback = args[2];
    if (typeof callback === 'function') {
      args[2] = function (this: unknown, ...results: unknown[]): unknown {
        window.end();
        return apply(callback, this, results);
      };
    }
    let result: unknown;
    try {
      result = apply(original, this, args);
    } catch (error) {
      window.end();
      throw error;
    }
    if (typeof (result as { then?: unknown } | null)?.then === 'function') {
      return (result as Promise<unknown>).then(
        (value) => {
          window.end();
          return value;
        },
        (error: unknown) => {
          window.end();
          throw error;
        },
      );
    }
    return result;
  };
  defineProperty(wrapped, 'length', { value: original.length });
  defineProperty(wrapped, 'name', { value: original.name });
  return wrapped;
}

/**
 * `exports` with the function at `path` wrapped, as a new object: a module's own exports may be read-only (the
 * getters TypeScript and esbuild emit for CommonJS, an ES module namespace), so the runtime is handed a copy whose
 * other properties are the original's. A path that does not lead to a function leaves `exports` as it is: the
 * runtime then reports the missing handler itself, in its own words.
 */
export function wrapExport(exports: unknown, path: readonly string[], window: LayerWindow): unknown {
  if (path.length === 0) return typeof exports === 'function' ? wrapHandler(exports as AnyFunction, window) : exports;
  if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null) return exports;
  const [key, ...rest] = path as [string, ...string[]];
  const inner = (exports as Record<string, unknown>)[key];
  const replaced = wrapExport(inner, rest, window);
  if (replaced === inner) return exports;
  const descriptors = Object.getOwnPropertyDescriptors(exports);
  descriptors[key] = { value: replaced, enumerable: true, writable: true, configurable: true };
  return Object.create(Object.getPrototypeOf(exports) as object | null, descriptors) as unknown;
}
