// Plain JavaScript on purpose: the first module of a worker thread the handler under test created (see
// worker-threads.ts). It takes its configuration off process.argv, registers tsx (the probes are TypeScript, and
// on Node 20 nothing registered in the parent thread applies here), installs the probes with the options of the
// realm that created the worker, and only then runs the worker's own code or module.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

const ARG = '--eventfuzz-sub-worker=';
const at = process.argv.findIndex((arg) => arg.startsWith(ARG));
const config = JSON.parse(process.argv[at].slice(ARG.length));
process.argv.splice(at, 1);
// Captured before the probes patch vm: the worker's code is the handler's, not a call the handler made here.
const runInThisContext = vm.runInThisContext;

registerCjs();
register();
const { installProbes } = await import(new URL('../index.ts', import.meta.url).href);
installProbes({ allowExec: config.allowExec, taskRoot: config.taskRoot, writableRoots: config.writableRoots, relay: config.relay, childEffectsLog: config.childEffectsLog });

if (config.eval) {
  // As node runs `new Worker(code, { eval: true })`: a script with require, module and exports, relative to the cwd.
  const filename = join(process.cwd(), '[worker eval]');
  const module = { exports: {}, filename, id: '[worker eval]' };
  const run = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${config.target}\n})`, { filename: '[worker eval]' });
  run.call(module.exports, module.exports, createRequire(filename), module, filename, process.cwd());
} else {
  await import(config.target.startsWith('/') ? pathToFileURL(config.target).href : config.target);
}
