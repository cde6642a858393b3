import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DIRECT_EVAL_KEY, rewriteDirectEval } from '../../../src/probes/direct-eval/rewrite.mjs';

const P = `(globalThis[Symbol.for(${JSON.stringify(DIRECT_EVAL_KEY)})]||{}).v=`;
const FILE = '/project/src/handler.js';

describe('rewriteDirectEval', () => {
  it.each([
    ['a direct call', "eval('(' + x + ')')", `eval(${P}'(' + x + ')')`],
    ['space and comments before the paren', 'eval /* c */ (x)', `eval /* c */ (${P}x)`],
    ['a parenthesised callee (still direct)', '(eval)(x)', `(eval)(${P}x)`],
    ['several calls, several arguments', 'eval(a, b); f(eval(c))', `eval(${P}a, b); f(eval(${P}c))`],
    ['multi-byte text before it on the line', 'const s = "héllo😀"; eval(s)', `const s = "héllo😀"; eval(${P}s)`],
    ['CRLF lines', 'a\r\nb\r\n eval(x)', `a\r\nb\r\n eval(${P}x)`],
  ])('rewrites %s', (_label, source, expected) => {
    expect(rewriteDirectEval(source, FILE)).toBe(expected);
  });

  it.each([
    ['strings, comments, regexes, templates', "'eval(1)'; // eval(2)\n/* eval(3) */ /eval\\(/.test(s); `eval(4)`"],
    ['member calls and optional calls (indirect)', 'obj.eval(x); eval?.(x); globalThis.eval(x); (0, eval)(x)'],
    ['methods named eval', 'class A { eval(x) { return x } static eval(y) {} }; const o = { eval(z) {} }'],
    ['no argument or a spread', 'eval(); eval(...args)'],
    ['text that does not parse', 'eval(x'],
    ['text that never calls eval', 'const evaluation = 1'],
  ])('leaves alone %s', (_label, source) => {
    expect(rewriteDirectEval(source, FILE)).toBe(source);
  });

  it('reads TypeScript, and leaves eventfuzz’s own source alone', () => {
    const ts = 'const n: number = 1;\nexport const f = (s: string): unknown => eval(s as string) ?? n;';
    expect(rewriteDirectEval(ts, '/p/src/h.ts')).toBe(ts.replace('eval(s', `eval(${P}s`));
    const own = fileURLToPath(new URL('../../../src/probes/code-eval.ts', import.meta.url));
    expect(rewriteDirectEval('eval(x)', own)).toBe('eval(x)');
  });

  it('keeps the call direct (local scope) and hands the setter the same value', () => {
    const seen: unknown[] = [];
    const probe = Object.defineProperty({}, 'v', { set: (value: unknown) => void seen.push(value) });
    const source = rewriteDirectEval('(function () { var local = 41; return eval("local + 1"); })()', FILE);
    const result: unknown = runInNewContext(`globalThis[Symbol.for(${JSON.stringify(DIRECT_EVAL_KEY)})] = probe; ${source}`, { probe });
    expect(result).toBe(42);
    expect(seen).toEqual(['local + 1']);
    // Without the probe in the realm the rewritten code still runs.
    expect(runInNewContext(source)).toBe(42);
  });
});
