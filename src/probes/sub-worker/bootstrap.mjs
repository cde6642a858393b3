// Plain JavaScript on purpose: the first module of a worker thread the handler under test created (see
// worker-threads.ts). It registers tsx (the probes are TypeScript, and on Node 20 nothing registered in the parent
// thread applies here) and hands over to install.ts, which installs the probes and then runs the worker's code.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCjs();
register();
await import(new URL('./install.ts', import.meta.url).href);
