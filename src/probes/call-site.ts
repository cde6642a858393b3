import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FROM_EVALUATED_CODE } from '../core/index.js';

// Captured at load, before handler code can replace them (STYLE practice 11).
const SafeError = Error;
const here = dirname(fileURLToPath(import.meta.url));
/** eventfuzz's own source root: `src/` when run from source, the bundle directory once built. */
const ownRoot = (here.endsWith(`${sep}probes`) ? dirname(here) : here) + sep;

const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/**
 * A frame of code that `eval`, `Function` or `vm` produced: `at eval (eval at …)`, `at eval (<anonymous>)`,
 * `at evalmachine.<anonymous>:1:1` (vm scripts), `at <anonymous>:1:8` (vm.compileFunction).
 */
const EVAL_FRAME = /\(eval at |^\s*at eval \(<anonymous>\)$|evalmachine\.<anonymous>|^\s*at (?:.*? \()?<anonymous>:\d+:\d+\)?$/;
/** @internal Where the handler's probed call came from, as `file:line:column`. */
export type CallSiteFinder = () => string;

/**
 * @internal
 * Builds a finder that reports the first stack frame outside node internals and outside eventfuzz's own source,
 * relative to `taskRoot` when the file lies under it, so the same bug keeps the same signature on another machine.
 * Returns `<unknown>` when no such frame exists (eventfuzz itself spawned, or the stack was truncated). A call made
 * by evaluated code is marked with FROM_EVALUATED_CODE.
 */
export function createCallSiteFinder(taskRoot: string | (() => string)): CallSiteFinder {
  const rootOf = typeof taskRoot === 'string' ? () => taskRoot : taskRoot;
  return () => {
    const root = rootOf();
    const rootPrefix = root.endsWith(sep) ? root : root + sep;
    const stack = readStack();
    let start = 0;
    let evaluated = false;
    while (start < stack.length) {
      let end = stack.indexOf('\n', start);
      if (end === -1) end = stack.length;
      const frame = stack.slice(start, end);
      const site = frameLocation(frame);
      if (site !== undefined) {
        const file = site.file.startsWith(rootPrefix) ? site.file.slice(rootPrefix.length).split(sep).join('/') : site.file;
        return `${file}:${site.line}:${site.column}${evaluated ? FROM_EVALUATED_CODE : ''}`;
      }
      evaluated ||= EVAL_FRAME.test(frame);
      start = end + 1;
    }
    return '<unknown>';
  };
}

function readStack(): string {
  // The handler may install its own prepareStackTrace or lower the limit; neither may blind the probe.
  const ctor = SafeError as unknown as { prepareStackTrace: unknown; stackTraceLimit: number };
  const savedPrepare = ctor.prepareStackTrace;
  const savedLimit = ctor.stackTraceLimit;
  try {
    ctor.prepareStackTrace = undefined;
    ctor.stackTraceLimit = 64;
    const stack = new SafeError().stack;
    return typeof stack === 'string' ? stack : '';
  } catch {
    return '';
  } finally {
    ctor.prepareStackTrace = savedPrepare;
    ctor.stackTraceLimit = savedLimit;
  }
}

function frameLocation(line: string): { file: string; line: string; column: string } | undefined {
  const match = FRAME.exec(line);
  if (match === null) return undefined;
  let file = match[1] ?? '';
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  // Anything that is not an absolute path is node-internal (`node:…`, `internal/…`) or synthetic (`<anonymous>`, eval).
  const absolute = file.startsWith('/') || /^[A-Za-z]:\\/.test(file);
  if (!absolute || file.startsWith(ownRoot)) return undefined;
  return { file, line: match[2] ?? '0', column: match[3] ?? '0' };
}
