// The in-function half of `eventfuzz layer`: a deployed staging function loads this through
// `NODE_OPTIONS=--import /opt/eventfuzz/loader.mjs`, before the Lambda runtime loads its handler. It installs
// eventfuzz's probes (blocked command and file sinks, refused payload-named connections, as in a local run), wraps
// the handler so that invocations carrying eventfuzz's client context run inside the probes' window, and writes
// what the probes saw to the function's log, where the Lambda runner reads it back (see protocol.ts). Every other
// invocation goes straight to the handler. Nothing here may stop the function from starting: a failure is one
// line on stderr and the function runs unprobed.
import type { Effect } from '../core/observation.js';
import type { LayerWindow } from './wrap-handler.js';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CANARY_PATTERN } from '../core/case.js';
import { safeStringify } from '../core/safe-globals.js';
import { installProbes } from '../probes/index.js';
import { locateHandler } from './handler-location.js';
import { effectLine, summaryLine } from './protocol.js';
import { wrapExport } from './wrap-handler.js';
import { LAYER_ACTIVE_ENV, LAYER_WRAP_KEY } from './handler-hooks-data.js';

// Captured before the handler loads: its log writes and patches are not ours.
const write = process.stdout.write.bind(process.stdout);
const writeError = process.stderr.write.bind(process.stderr);
const apply = Reflect.apply;
const regExpTest = RegExp.prototype.test;
const carriesToken = (effect: Effect): boolean => apply(regExpTest, CANARY_PATTERN, [safeStringify(effect)]) as boolean;

function install(): void {
  const handlerSetting = process.env['_HANDLER'];
  const taskRoot = process.env['LAMBDA_TASK_ROOT'];
  // Not a Lambda runtime (a tool the function's image runs), or a process the handler started: NODE_OPTIONS is
  // inherited, and a probed invocation's children get the probes' own child bootstrap instead.
  if (handlerSetting === undefined || taskRoot === undefined || process.env[LAYER_ACTIVE_ENV] !== undefined) return;
  process.env[LAYER_ACTIVE_ENV] = String(process.pid);
  const location = locateHandler(handlerSetting, taskRoot);
  if (location === undefined) return; // the runtime rejects this setting itself

  // Dormant between eventfuzz's invocations: the function's real traffic passes as if the layer were not there.
  const base = { allowExec: false, taskRoot, dormant: true };
  const probes = installProbes(base);
  let open: { readonly nonce: string } | undefined;
  const window: LayerWindow = {
    begin(request, event) {
      const nonce = request.nonce;
      installProbes({ allowExec: request.allowExec, taskRoot, streamEffects: (effect) => write(effectLine(nonce, effect)) });
      probes.begin(event);
      open = { nonce };
    },
    end() {
      if (open === undefined) return;
      const { nonce } = open;
      open = undefined;
      const effects = probes.end();
      installProbes(base);
      write(summaryLine(nonce, effects, carriesToken));
    },
  };
  const wrap = (value: unknown, path: readonly string[]): unknown => wrapExport(value, path, window);
  Object.defineProperty(globalThis, Symbol.for(LAYER_WRAP_KEY), { value: wrap, enumerable: false, writable: false, configurable: false });

  // CommonJS handlers: the runtime requires the file by its absolute path.
  const files = new Set(location.files);
  const Module = createRequire(import.meta.url)('node:module') as { _load: (this: unknown, ...args: unknown[]) => unknown };
  const load = Module._load;
  const wrapped = new WeakMap<object, unknown>();
  Module._load = function (this: unknown, ...args: unknown[]): unknown {
    const exports = apply(load, this, args);
    if (typeof args[0] !== 'string' || !files.has(args[0]) || typeof exports !== 'object' || exports === null) return exports;
    if (!wrapped.has(exports)) wrapped.set(exports, wrapExport(exports, location.exportPath, window));
    return wrapped.get(exports);
  };
  // ES module handlers: the runtime imports the file's URL; the hook hands it a module that re-exports the
  // original with the handler wrapped.
  register(new URL('./handler-hooks.mjs', import.meta.url), { data: { urls: location.files.map((file) => pathToFileURL(file).href), exportPath: location.exportPath } });
}

try {
  install();
} catch (error) {
  writeError(`eventfuzz layer: probes not installed, the function runs without them: ${error instanceof Error ? error.message : String(error)}\n`);
}
