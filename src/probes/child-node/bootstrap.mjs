// Plain JavaScript on purpose: loaded by `NODE_OPTIONS=--import` into every node process the handler under test
// starts (see child-effects.ts), before that process's own code. It registers tsx (the probes are TypeScript)
// and hands over to install.ts, which installs the probes. Processes started without probe options (the variable
// is absent) are left alone, tsx included.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

if (process.env.EVENTFUZZ_CHILD_PROBES !== undefined) {
  registerCjs();
  register();
  await import(new URL('./install.ts', import.meta.url).href);
}
