import type { ProbeContext } from './recorder.js';
import { CANARY_PATTERN } from '../core/index.js';

/** @internal The global payloads call (`typeof efzcanary=='function'&&efzcanary('{{token}}')`). */
export const CANARY_FUNCTION_NAME = 'efzcanary';

/** @internal What the canary function needs from its installer. */
export type CanaryFunctionOptions = ProbeContext;

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const defineProperty = Reflect.defineProperty;
const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
const regExpExec = RegExp.prototype.exec;

/**
 * @internal
 * Installs `globalThis.efzcanary(token)`: a harmless function whose only job is to be called by injected code.
 * A call with a payload token is proof that text from the event ran as JavaScript in this realm (through eval,
 * `new Function`, vm, a reviving deserializer, …), so it is recorded as a `CanaryEffect` via `'function'`.
 *
 * The property is non-enumerable (`Object.keys(globalThis)`, `for…in` and JSON do not show it), non-writable and
 * non-configurable (a handler resetting globals cannot drop it). It returns `undefined` and never throws, whatever
 * it is passed. Code running in a separate vm context does not see it unless it reaches the host realm (the
 * `this.constructor.constructor` escape does); the payloads guard the call with `typeof`, so they never throw there.
 */
export function installCanaryFunction(options: CanaryFunctionOptions): void {
  if (getOwnPropertyDescriptor(globalThis, CANARY_FUNCTION_NAME) !== undefined) return;
  const { record, callSite } = options;
  // A method shorthand has no `prototype` and cannot be `new`ed: the smallest possible surface.
  const holder = {
    efzcanary(this: unknown, ...args: unknown[]): undefined {
      try {
        for (let i = 0; i < args.length; i++) {
          const arg = args[i];
          if (typeof arg !== 'string') continue;
          const match = apply(regExpExec, CANARY_PATTERN, [arg]) as RegExpExecArray | null;
          if (match === null) continue;
          const token = match[0];
          record({ kind: 'canary', via: 'function', token, detail: `${CANARY_FUNCTION_NAME}('${token}') called from ${callSite()}` });
          return undefined;
        }
      } catch {
        // never let the harness's bookkeeping change what the injected code does
      }
      return undefined;
    },
  };
  defineProperty(globalThis, CANARY_FUNCTION_NAME, { value: holder.efzcanary, enumerable: false, writable: false, configurable: false });
}
