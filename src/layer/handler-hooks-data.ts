/** The global (a `Symbol.for` key) where the layer's loader leaves the function that wraps a handler export. */
export const LAYER_WRAP_KEY = 'eventfuzz.layer.wrap';
/** Set by the loader in the runtime process; a process the handler starts inherits it and is left alone. */
export const LAYER_ACTIVE_ENV = 'EVENTFUZZ_LAYER_PID';
/** The query that marks the real module behind the one the hook hands the runtime. */
export const ORIGINAL_QUERY = 'eventfuzz-original';

/** What the loader hands the module hook (`module.register`'s `data`). */
export interface HandlerHooksData {
  readonly urls: readonly string[];
  readonly exportPath: readonly string[];
}
