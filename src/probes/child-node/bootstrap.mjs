// Plain JavaScript on purpose: loaded by `NODE_OPTIONS=--import` into every node process the handler under test
// starts (see child-effects.ts), before that process's own code. It registers tsx when the probes are TypeScript
// and hands over to install.ts, which installs the probes. Processes started without probe options (the variable
// is absent) are left alone, tsx included.
import { existsSync } from 'node:fs';

if (process.env.EVENTFUZZ_CHILD_PROBES !== undefined) {
  // The compiled twin of install.ts when this file is itself the copy in compiled sources (compiled-sources.mjs):
  // then no TypeScript is loaded here, and the process runs its own code as it would without eventfuzz.
  const compiled = new URL('./install.js', import.meta.url);
  if (existsSync(compiled)) {
    await import(compiled.href);
  } else {
    const [{ register: registerCjs }, { register }] = await Promise.all([import('tsx/cjs/api'), import('tsx/esm/api')]);
    registerCjs();
    register();
    await import(new URL('./install.ts', import.meta.url).href);
  }
}
