import { safeArrayIsArray, safeObjectKeys } from './safe-globals.js';

// Captured at load: the handler under test may patch these.
const defineProperty = Object.defineProperty;
const getPrototypeOf = Object.getPrototypeOf;
const objectPrototype = Object.prototype;
const structuredCopy = globalThis.structuredClone;

/**
 * Deep-copies JSON-shaped data (plain objects, arrays, primitives), about 8x faster than `structuredClone` on
 * AWS events, which is what each in-process invocation needs (the handler may mutate its event; the stored
 * case must not change). Copies own keys only, so a polluted `Object.prototype` does not leak into the copy,
 * and keeps a `__proto__` key as data, as `JSON.parse` does, instead of setting the copy's prototype.
 * Anything that is not plain data (Date, Map, class instances) goes through `structuredClone`.
 */
export function cloneData<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (safeArrayIsArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return out;
  }
  const prototype = getPrototypeOf(value) as unknown;
  if (prototype !== objectPrototype && prototype !== null) return structuredCopy(value);
  const out: Record<string, unknown> = {};
  for (const key of safeObjectKeys(value)) {
    const item = copy((value as Record<string, unknown>)[key]);
    if (key === '__proto__') defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}
