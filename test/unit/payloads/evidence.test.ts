import { execFileSync } from 'node:child_process';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { markerOperands } from '../../../src/core/index.js';
import { loadPayloads, renderPayload } from '../../../src/payloads/index.js';

// Each execution payload, placed in the sink it targets, must produce evidence that its text alone does not contain:
// `<token><a*b>` (this token's operands) or a call of the canary with the token. The corpus is benign by construction (safety.test.ts), which is
// what makes running it here acceptable.

const TOKEN = 'efz0123456789ab';
const corpus = loadPayloads();
const family = (name: string) => corpus.filter((p) => p.family === name);
const { a, b } = markerOperands(TOKEN);
const evidenced = (output: string, calls: readonly string[]): boolean => output.includes(`${TOKEN}${a * b}`) || calls.includes(TOKEN);

/** How each code-injection payload reaches its sink. A new payload needs a line here. */
const JS_SINKS: Record<string, ((p: string) => string) | 'skip'> = {
  'code-expression': (p) => p,
  'code-single-quote-concat': (p) => `var x='${p}'; x`,
  'code-double-quote-concat': (p) => `var x="${p}"; x`,
  'code-backtick-concat': (p) => `var x=\`${p}\`; x`,
  'code-template-interpolation': (p) => `\`Hello ${p}\``,
  'code-template-interpolation-canary': (p) => `\`Hello ${p}\``,
  'code-single-quote-statement': (p) => `var x='${p}'`,
  'code-double-quote-statement': (p) => `var x="${p}"`,
  'code-numeric-statement': (p) => `var x=${p}`,
  'code-function-body': (p) => `Function(${JSON.stringify(p)})()`,
  'code-iife': (p) => p,
  'code-eval-json': (p) => `(${p}).a`,
  'code-vm-escape': (p) => p,
  'code-comment-breakout': (p) => `/* note: ${p} */ 1`,
  // node-serialize: a string value starting with the marker is revived with eval('(' + rest + ')').
  'code-node-serialize': (p) =>
    `var o=JSON.parse(${JSON.stringify(p)}); for (var k in o) if (o[k].indexOf('_$$ND_FUNC$$_')===0) o[k]=eval('('+o[k].slice(13)+')'); o.rce`,
  'code-brace-statement': (p) => `var cfg = {${p}}; 1`,
  'code-object-literal-breakout': (p) => `var cfg = {a: ${p}}\n1`,
  'code-array-literal-breakout': (p) => `var list = [${p}]\n1`,
  'code-function-statement': (p) => `var cb = ${p}\n1`,
  'code-backtick-statement': (p) => `var x=\`${p}\``,
  // node-serialize revives a whole field that starts with the marker: eval('(' + rest + ')').
  'code-node-serialize-raw': (p) => `var v=${JSON.stringify(p)}; v.indexOf('_$$ND_FUNC$$_')===0 ? eval('('+v.slice(13)+')') : v`,
  // js-yaml 3's unsafe schema: `!!js/function "src"` becomes new Function(params, body); String(doc) calls toString.
  'code-yaml-js-function': (p) => {
    const source = p.slice(p.indexOf('"') + 1, p.lastIndexOf('"'));
    const body = source.slice(source.indexOf('{') + 1, source.lastIndexOf('}'));
    return `var doc={toString: new Function(${JSON.stringify(body)})}; String(doc)`;
  },
  'code-busy-wait': 'skip', // blind: evidence is 1.5 s of wall time
};

/** How each command-injection payload reaches the shell. Default: an unquoted argument of `echo x`. */
const SHELL_SINKS: Record<string, ((p: string) => string) | 'skip'> = {
  'ci-or': (p) => `false ${p}`,
  'ci-command-position': (p) => p,
  'ci-canary-command-position': (p) => p,
  'ci-single-quote-breakout': (p) => `echo '${p}'`,
  'ci-single-quote-subshell': (p) => `echo '${p}'`,
  'ci-double-quote-breakout': (p) => `echo "${p}"`,
  'ci-sleep': 'skip', // blind: evidence is 2 s of wall time and the spawn itself
};

describe('execution evidence', () => {
  it('every code-injection payload calls the canary function or yields <token><a*b> in its sink', () => {
    const failures: string[] = [];
    for (const payload of family('code-injection')) {
      const sink = JS_SINKS[payload.id];
      if (sink === undefined) {
        failures.push(`${payload.id}: no sink in JS_SINKS`);
        continue;
      }
      if (sink === 'skip') continue;
      const calls: string[] = [];
      const efzcanary = (token: string): boolean => calls.push(token) > 0;
      // The vm-escape payload reaches the host realm, so the canary also lives on this realm's globalThis.
      (globalThis as { efzcanary?: unknown }).efzcanary = efzcanary;
      try {
        const value: unknown = runInNewContext(sink(renderPayload(payload.template, TOKEN)), payload.id === 'code-vm-escape' ? {} : { efzcanary });
        if (!evidenced(String(value), calls)) failures.push(`${payload.id}: no evidence (value ${String(value)})`);
      } catch (error) {
        failures.push(`${payload.id}: ${(error as Error).message}`);
      } finally {
        delete (globalThis as { efzcanary?: unknown }).efzcanary;
      }
    }
    expect(failures).toEqual([]);
  });

  it('every command-injection payload runs echo/printf or the canary program in /bin/sh', () => {
    const failures: string[] = [];
    for (const payload of family('command-injection')) {
      const sink = SHELL_SINKS[payload.id] ?? ((p: string) => `echo x ${p}`);
      if (sink === 'skip') continue;
      // The canary program, stubbed as a shell function that reports its argument.
      const script = `efzcanary() { echo "CANARY:$1"; }\n${sink(renderPayload(payload.template, TOKEN))}\nwait\n`;
      const output = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', timeout: 5000 });
      const calls = [...output.matchAll(/CANARY:(\S+)/g)].map((m) => m[1] ?? '');
      if (!evidenced(output, calls)) failures.push(`${payload.id}: no evidence in ${JSON.stringify(output)}`);
    }
    expect(failures).toEqual([]);
  });
});
