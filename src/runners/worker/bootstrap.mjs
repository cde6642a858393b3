// Plain JavaScript on purpose: this is the first module of every worker, run before any TypeScript loader
// exists in the thread. tsx's `--import tsx` registers nothing inside worker threads on Node 20 (it checks
// `isMainThread` before Node 22.22.3 / 24.11.1), so register it explicitly, then load the real entry, whose
// URL the host chose (`workerEntryUrl()` in host.ts). The same loader loads users' TypeScript handlers.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entryUrl);
