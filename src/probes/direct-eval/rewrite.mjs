// Plain JavaScript on purpose: Node's module-hooks thread imports this file (see hooks.mjs) before any
// TypeScript loader exists there, and the CommonJS side (../direct-eval.ts) imports the same function.
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `Symbol.for` key of the global object whose `v` setter receives each direct eval's argument. */
export const DIRECT_EVAL_KEY = 'eventfuzz.direct-eval';

// An assignment expression evaluates to its right-hand side, so `eval(P.v=x)` hands eval exactly `x` while the
// setter sees it, and the callee is still the bare identifier `eval`: the call stays a direct eval (same scope).
// `||{}` keeps rewritten code working in a realm where the probe is not installed.
const PROBE = `(globalThis[Symbol.for(${JSON.stringify(DIRECT_EVAL_KEY)})]||{}).v=`;
/** Cheap pre-filter: only text with the word `eval` in it is parsed. */
const MAY_CALL_EVAL = /\beval\b/;
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;
const IDENTIFIER_CHAR = /[\w$\u0080-\uffff]/;
const TS_EXTENSION = /\.(?:[cm]?ts)$/;
const ESBUILD_FILE = /[\\/]node_modules[\\/]esbuild[\\/]/;

const here = dirname(fileURLToPath(import.meta.url));
/** eventfuzz's own source (src/ and generators/ beside it): never rewritten. */
const ownRoots = [dirname(dirname(here)) + sep, dirname(dirname(dirname(here))) + sep + 'generators' + sep];

let esbuild;
/**
 * tsx's own esbuild (tsx is a dependency and compiles the handlers): the parser that finds direct evals. Null
 * where there is none: inside a deployed function (`eventfuzz layer`) only the probes' bundle is there, and a
 * direct eval then goes untainted (Function, vm and indirect eval are still probed) rather than the handler
 * failing to load.
 */
function parser() {
  if (esbuild === undefined) {
    try {
      esbuild = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild');
    } catch {
      esbuild = null;
    }
  }
  return esbuild;
}

/**
 * Rewrites every direct `eval(x)` in `source` to `eval((globalThis[Symbol.for(KEY)]||{}).v=x)`; returns `source`
 * itself when there is none, when `filename` is eventfuzz's own, or when the text does not parse. Insertions
 * stay on their lines, so line numbers in stack traces do not move. The parser is esbuild, which reports each
 * direct eval (an `eval` identifier called, not `obj.eval(…)`, `eval?.(…)`, a method named eval, or text in a
 * string, comment or regular expression) with its position; it does so only for ES modules when bundling, hence
 * the `export {}` appended for the parse.
 */
export function rewriteDirectEval(source, filename) {
  if (typeof source !== 'string' || !MAY_CALL_EVAL.test(source) || source.includes(DIRECT_EVAL_KEY)) return source;
  if (ownRoots.some((root) => filename.startsWith(root))) return source;
  // esbuild's own files are compiled while it loads: asking it to parse them would read its half-built exports.
  if (ESBUILD_FILE.test(filename)) return source;
  const esbuildApi = parser();
  // Still loading (a require cycle through it): its exports lack buildSync yet, and reading a missing property
  // of a cycle's exports makes Node print a warning into the handler's logs.
  if (esbuildApi === null || !Object.hasOwn(esbuildApi, 'buildSync')) return source;
  let warnings;
  try {
    warnings = esbuildApi.buildSync({
      stdin: { contents: `${source}\n;export {};`, loader: TS_EXTENSION.test(filename) ? 'ts' : filename.endsWith('.tsx') ? 'tsx' : filename.endsWith('.jsx') ? 'jsx' : 'js', sourcefile: 'handler' },
      bundle: true, write: false, external: ['*'], format: 'esm', platform: 'node', logLevel: 'silent',
    }).warnings;
  } catch (error) {
    // Sloppy-mode code (a `with`, an octal literal) fails as a module after the parse found what it found.
    warnings = Array.isArray(error?.warnings) ? error.warnings : [];
  }
  const lines = source.split(LINE_BREAK);
  const lineStarts = [0];
  for (let i = 0, at = 0; i < lines.length - 1; i++) {
    at += lines[i].length;
    at += source.startsWith('\r\n', at) ? 2 : 1;
    lineStarts.push(at);
  }
  const insertAt = [];
  for (const warning of warnings) {
    const location = warning.id === 'direct-eval' ? warning.location : null;
    if (location == null || lines[location.line - 1] !== location.lineText) continue;
    // esbuild counts columns in UTF-8 bytes.
    const column = Buffer.from(location.lineText, 'utf8').subarray(0, location.column).toString('utf8').length;
    const offset = lineStarts[location.line - 1] + column;
    const open = argumentStart(source, offset);
    if (open !== -1 && !insertAt.includes(open)) insertAt.push(open);
  }
  if (insertAt.length === 0) return source;
  insertAt.sort((a, b) => b - a);
  let out = source;
  for (const at of insertAt) out = out.slice(0, at) + PROBE + out.slice(at);
  return out;
}

/**
 * Where the first argument of the call whose callee `eval` starts at `offset` begins (just after its `(`), or
 * -1 when this is not `eval(…)` with a plain first argument: no arguments, or a spread (`eval(...a)`).
 */
function argumentStart(source, offset) {
  if (!source.startsWith('eval', offset)) return -1;
  if (offset > 0 && (IDENTIFIER_CHAR.test(source[offset - 1]) || source[offset - 1] === '.')) return -1;
  let i = skipTrivia(source, offset + 4);
  while (source[i] === ')') i = skipTrivia(source, i + 1); // `(eval)(x)` is a direct eval too
  if (source[i] !== '(') return -1;
  const open = i + 1;
  const first = skipTrivia(source, open);
  if (source[first] === ')' || source.startsWith('...', first)) return -1;
  return open;
}

function skipTrivia(source, from) {
  let i = from;
  for (;;) {
    while (i < source.length && /\s/.test(source[i])) i++;
    if (source.startsWith('//', i)) {
      const end = source.slice(i).search(LINE_BREAK);
      i = end === -1 ? source.length : i + end;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
    } else return i;
  }
}
