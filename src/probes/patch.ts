type AnyFunction = (...args: unknown[]) => unknown;

// Captured at load, before handler code can patch it (STYLE practice 11).
const defineProperty = Object.defineProperty;

/** @internal Replaces `owner[name]` with `wrap(original)`, keeping its name and length; no-op when not a function. */
export function patch(owner: Record<string, unknown>, name: string, wrap: (original: AnyFunction) => AnyFunction): void {
  const original = owner[name];
  if (typeof original !== 'function') return;
  const wrapper = wrap(original as AnyFunction);
  mirror(wrapper, original as AnyFunction);
  owner[name] = wrapper;
}

/** @internal Same `name` and `length` as the original, so code that introspects the function sees no difference. */
export function mirror(wrapper: AnyFunction, original: AnyFunction): void {
  defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  defineProperty(wrapper, 'length', { value: original.length, configurable: true });
}
