// The body of a worker thread the handler under test created (see worker-threads.ts): takes the configuration
// off process.argv, installs the probes with the options of the realm that created the worker, and only then
// runs the worker's own code or module. Imported by bootstrap.mjs once tsx is registered; `eventfuzz layer`
// bundles it as the bootstrap.
import type { SubWorkerConfig } from '../worker-threads.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { installProbes } from '../index.js';
import { SUB_WORKER_ARG } from '../worker-threads.js';

const at = process.argv.findIndex((arg) => arg.startsWith(SUB_WORKER_ARG));
const config = JSON.parse((process.argv[at] ?? '').slice(SUB_WORKER_ARG.length)) as SubWorkerConfig;
process.argv.splice(at, 1);
// Captured before the probes patch vm: the worker's code is the handler's, not a call the handler made here.
const runInThisContext = vm.runInThisContext;

installProbes({ allowExec: config.allowExec, taskRoot: config.taskRoot, writableRoots: config.writableRoots, relay: config.relay, childEffectsLog: config.childEffectsLog });

if (config.eval) {
  // As node runs `new Worker(code, { eval: true })`: a script with require, module and exports, relative to the cwd.
  const filename = join(process.cwd(), '[worker eval]');
  const module = { exports: {}, filename, id: '[worker eval]' };
  const run = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${config.target}\n})`, { filename: '[worker eval]' }) as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(filename), module, filename, process.cwd());
} else {
  await import(config.target.startsWith('/') ? pathToFileURL(config.target).href : config.target);
}
