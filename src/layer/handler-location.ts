import { basename, resolve } from 'node:path';

/** Which module file the Lambda runtime loads for a handler setting, and which export path it calls. */
export interface HandlerLocation {
  /** Absolute paths the runtime tries, in its order: as given, then `.js`, `.mjs`, `.cjs`. */
  readonly files: readonly string[];
  /** The property path in the module (`handler`, or `handlers.main` for `index.handlers.main`). */
  readonly exportPath: readonly string[];
}

/**
 * Reads the function's handler setting (`_HANDLER`, e.g. `src/api/index.handler`) the way the Node runtime does:
 * the directory part is relative to the task root, the file name runs to its first dot, and the rest is the
 * export, which may be nested. Undefined for a setting the runtime itself rejects (no dot, `..` in the path).
 * @see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client (UserFunction.js)
 */
export function locateHandler(handlerSetting: string, taskRoot: string): HandlerLocation | undefined {
  if (handlerSetting.includes('..')) return undefined;
  const name = basename(handlerSetting);
  const directory = handlerSetting.slice(0, handlerSetting.length - name.length);
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return undefined;
  const base = resolve(taskRoot, directory, name.slice(0, dot));
  return { files: [base, `${base}.js`, `${base}.mjs`, `${base}.cjs`], exportPath: name.slice(dot + 1).split('.') };
}
