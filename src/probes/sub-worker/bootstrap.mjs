// Plain JavaScript on purpose: the first module of a worker thread the handler under test created (see
// worker-threads.ts). It registers tsx (the probes are TypeScript, and on Node 20 nothing registered in the parent
// thread applies here) and hands over to install.ts, which installs the probes and then runs the worker's code.
import { existsSync } from 'node:fs';
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCjs();
register();
// The compiled twin of install.ts when this file is itself the copy in compiled sources (compiled-sources.mjs).
// tsx stays registered either way: the worker's own code may be TypeScript, as it may in the handler's realm.
const compiled = new URL('./install.js', import.meta.url);
await import(existsSync(compiled) ? compiled.href : new URL('./install.ts', import.meta.url).href);
