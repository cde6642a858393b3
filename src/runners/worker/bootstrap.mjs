// Plain JavaScript on purpose: this is the first module of every warm instance (a worker thread, or a child
// process: see realm.ts), run before any TypeScript loader exists in it. It registers tsx only where TypeScript is
// to be loaded: the entry (when eventfuzz's sources could not be compiled, see compiled-sources.mjs) or the
// handler. Registering costs ~0.3 s of CPU per instance, and a JavaScript handler runs as on Lambda, where nothing
// loads TypeScript. tsx's `--import tsx` registers nothing inside worker threads on Node 20 (it checks
// `isMainThread` before Node 22.22.3 / 24.11.1), so it is registered explicitly. Then the real entry loads, whose
// URL the host chose (`workerEntryUrl()` in host.ts).
// Both halves, as `--import tsx` and `tsImport` do: a `.ts` file in a package without `"type": "module"` is
// CommonJS to Node, so it reaches Node's CJS loader. Without tsx's CJS hook that loader sees ESM `import`
// syntax, falls back to require(esm) of the module the ESM loader is already loading, and fails with
// ERR_REQUIRE_CYCLE_MODULE (Node 20.19+): the most common TypeScript Lambda layout.
import { isMainThread, workerData } from 'node:worker_threads';

const TYPESCRIPT = /\.[cm]?tsx?$/;

// A worker thread gets its setup as workerData, a child process in REALM_SETUP_ENV (host-channel.ts reads and
// removes it before the handler loads).
const setup = isMainThread ? JSON.parse(process.env.EVENTFUZZ_REALM_SETUP ?? '{}') : workerData;
if (TYPESCRIPT.test(new URL(setup.entryUrl).pathname) || TYPESCRIPT.test(setup.file ?? '')) {
  const [{ register: registerCjs }, { register }] = await Promise.all([import('tsx/cjs/api'), import('tsx/esm/api')]);
  registerCjs();
  register();
}
await import(setup.entryUrl);
