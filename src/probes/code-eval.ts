import type { ProbeContext } from './recorder.js';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { CANARY_PATTERN } from '../core/index.js';
import { installDirectEvalProbe } from './direct-eval.js';

/** @internal What the code-eval probe needs from its installer. */
export type CodeEvalProbeOptions = ProbeContext;

type AnyFunction = (...args: unknown[]) => unknown;
type AnyConstructor = new (...args: unknown[]) => unknown;

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const construct = Reflect.construct;
const defineProperty = Reflect.defineProperty;
const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
const getPrototypeOf = Reflect.getPrototypeOf;
const regExpExec = RegExp.prototype.exec;
const SafeProxy = Proxy;
/** Keeps recorded effects bounded: a handler may evaluate megabytes of code. */
const MAX_CODE = 65_536;

/** The vm functions whose first argument is code, and the name they are recorded under. */
const VM_FUNCTIONS = ['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction'] as const;

/**
 * @internal
 * Records a `CodeEvalEffect` when text carrying a payload token reaches a code-evaluation sink: the `Function`
 * constructor (and its async and generator siblings), `vm.runInThisContext`, `vm.runInNewContext`,
 * `vm.runInContext`, `vm.compileFunction` and `new vm.Script`. It never blocks: the payloads are benign, and
 * running them is how the canary function proves execution. Code without a token costs one regex scan.
 *
 * Each sink is replaced by a `Proxy` of the original, so `name`, `length`, `prototype` and static members are
 * the originals'; `new Function(…)`, `Function(…)`, `class X extends Function`, `f instanceof Function` and
 * `(function () {}).constructor === Function` behave as before, because `Function.prototype.constructor` (and the
 * siblings' `prototype.constructor`) point at the same proxy. `eval` itself is deliberately left alone: replacing
 * it would turn every direct `eval` into an indirect one and change which scope the code sees. Instead the
 * argument of each direct `eval(x)` in handler code is instrumented at load time (./direct-eval.ts) and recorded
 * under api `eval`; an indirect eval (`(0, eval)(x)`, `globalThis.eval(x)`) is still only confirmed when it
 * calls the canary function.
 */
export function installCodeEvalProbe(options: CodeEvalProbeOptions): void {
  const seen = (api: string, texts: readonly unknown[], code: () => string): void => {
    if (!anyCarriesToken(texts)) return;
    options.record({ kind: 'code-eval', api, code: clip(code()), callSite: options.callSite() });
  };

  // The Function constructor and the constructors of async, generator and async generator functions.
  const globalFunction = proxyFunctionConstructor(Function as unknown as AnyConstructor, 'Function', seen);
  replaceValue(globalThis, 'Function', globalFunction);
  replaceValue(Function.prototype, 'constructor', globalFunction);
  const siblings: readonly [string, unknown][] = [
    ['AsyncFunction', async function () {}],
    ['GeneratorFunction', function* () {}],
    ['AsyncGeneratorFunction', async function* () {}],
  ];
  for (let i = 0; i < siblings.length; i++) {
    const [name, sample] = siblings[i]!;
    const prototype = getPrototypeOf(sample as object) as { constructor: AnyConstructor } | null;
    if (prototype === null) continue;
    replaceValue(prototype, 'constructor', proxyFunctionConstructor(prototype.constructor, name, seen));
  }

  // node:vm: one exports object shared by require, the default import and (after the sync) named imports.
  const vm = createRequire(import.meta.url)('node:vm') as Record<string, unknown>;
  for (let i = 0; i < VM_FUNCTIONS.length; i++) {
    const name = VM_FUNCTIONS[i]!;
    const original = vm[name];
    if (typeof original !== 'function') continue;
    vm[name] = new SafeProxy(original as AnyFunction, {
      apply(target, self, argv: unknown[]) {
        seen(`vm.${name}`, argv.length > 0 ? [argv[0]] : [], () => argv[0] as string);
        return apply(target, self, argv);
      },
    });
  }
  const Script = vm['Script'];
  if (typeof Script === 'function') {
    vm['Script'] = new SafeProxy(Script as AnyConstructor, {
      construct(target, argv: unknown[], newTarget) {
        seen('vm.Script', argv.length > 0 ? [argv[0]] : [], () => argv[0] as string);
        return construct(target, argv, newTarget) as object;
      },
    });
  }
  syncBuiltinESMExports();

  installDirectEvalProbe(seen);
}

/**
 * A proxy of a function constructor that records calls carrying a token. Callable with and without `new`, and
 * `new.target` is passed through so subclasses get their own prototype. What the recorded code looks like is
 * what `Function.prototype.toString` would print for the result.
 */
function proxyFunctionConstructor(
  original: AnyConstructor,
  name: string,
  seen: (api: string, texts: readonly unknown[], code: () => string) => void,
): AnyConstructor {
  const describe = (argv: readonly unknown[]) => (): string => functionSource(name, argv);
  let self: AnyConstructor;
  const handler: ProxyHandler<AnyConstructor> = {
    apply(target, _this, argv: unknown[]) {
      seen(name, argv, describe(argv));
      return construct(target, argv);
    },
    construct(target, argv: unknown[], newTarget) {
      seen(name, argv, describe(argv));
      // `new Function(…)` reaches us with new.target = the proxy, whose `prototype` is the original's anyway.
      return construct(target, argv, newTarget === self ? target : newTarget) as object;
    },
  };
  self = new SafeProxy(original, handler);
  return self;
}

/** Same attributes as before, new value: a data property stays exactly as discoverable as it was. */
function replaceValue(target: object, key: string, value: unknown): void {
  const descriptor = getOwnPropertyDescriptor(target, key);
  if (descriptor === undefined || !('value' in descriptor)) return;
  defineProperty(target, key, { value, writable: descriptor.writable ?? false, enumerable: descriptor.enumerable ?? false, configurable: descriptor.configurable ?? false });
}

function anyCarriesToken(texts: readonly unknown[]): boolean {
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    // Only strings: coercing an object would run its toString a second time, which correct code could notice.
    if (typeof text === 'string' && apply(regExpExec, CANARY_PATTERN, [text]) !== null) return true;
  }
  return false;
}

/** `function anonymous(a,b\n) {\nbody\n}`, as V8 assembles it; only built for code that carries a token. */
function functionSource(name: string, argv: readonly unknown[]): string {
  const keyword = name === 'AsyncFunction' ? 'async function' : name === 'GeneratorFunction' ? 'function*' : name === 'AsyncGeneratorFunction' ? 'async function*' : 'function';
  // Concatenation, not Array.prototype.join: the handler may have replaced join.
  let params = '';
  for (let i = 0; i < argv.length - 1; i++) params += `${i > 0 ? ',' : ''}${typeof argv[i] === 'string' ? (argv[i] as string) : '…'}`;
  const body = argv.length === 0 ? '' : typeof argv[argv.length - 1] === 'string' ? (argv[argv.length - 1] as string) : '…';
  return `${keyword} anonymous(${params}\n) {\n${body}\n}`;
}

function clip(text: string): string {
  return text.length > MAX_CODE ? `${text.slice(0, MAX_CODE)}…(${text.length - MAX_CODE} more chars)` : text;
}
