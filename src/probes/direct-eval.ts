import { createRequire, register } from 'node:module';
import { DIRECT_EVAL_KEY, rewriteDirectEval } from './direct-eval/rewrite.mjs';

/** @internal Records the text one sink was handed when it carries a token (the code-eval probe's `seen`). */
export type CodeSeen = (api: string, texts: readonly unknown[], code: () => string) => void;

interface CjsModule {
  _compile(content: string, filename: string): unknown;
}

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const defineProperty = Reflect.defineProperty;

/**
 * @internal
 * Taints direct `eval`, which cannot be wrapped (a replaced `eval` is an indirect one and sees only global
 * scope): handler code is rewritten at load time so the argument of each direct `eval(x)` passes through a
 * setter first, `eval((globalThis[Symbol.for(KEY)]||{}).v=x)`, which records it like the other code-eval sinks
 * and hands eval the very same value; the callee is still the identifier `eval`, so the call stays direct.
 * ES modules are rewritten by a module hook (registered here, after any loader already registered, so it sees
 * their output; registered before a later `tsImport`, it sees TypeScript, which the parser reads too), CommonJS
 * in `Module.prototype._compile`, which every CommonJS loader ends in. Only files whose text calls `eval` are
 * parsed; eventfuzz's own source is left alone, libraries in node_modules are not (they evaluate too).
 */
export function installDirectEvalProbe(seen: CodeSeen): void {
  const target = Object.create(null) as object;
  defineProperty(target, 'v', {
    set(value: unknown) {
      seen('eval', [value], () => value as string);
    },
    get: () => undefined,
  });
  defineProperty(globalThis, Symbol.for(DIRECT_EVAL_KEY), { value: Object.freeze(target), enumerable: false, writable: false, configurable: false });

  const Module = createRequire(import.meta.url)('node:module') as { prototype: CjsModule };
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (this: CjsModule, content: string, filename: string) {
    return apply(compile, this, [rewriteDirectEval(content, filename), filename]);
  };
  register(new URL('./direct-eval/hooks.mjs', import.meta.url));
}
