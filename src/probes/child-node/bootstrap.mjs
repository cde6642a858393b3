// Plain JavaScript on purpose: loaded by `NODE_OPTIONS=--import` into every node process the handler under test
// starts (see child-effects.ts), before that process's own code. It registers tsx (the probes are TypeScript),
// installs the probes with the options of the realm that started the process, and sends their effects to the
// log that realm reads when the invocation ends.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

const text = process.env.EVENTFUZZ_CHILD_PROBES;
if (text !== undefined) {
  const config = JSON.parse(text);
  registerCjs();
  register();
  const { installProbes } = await import(new URL('../index.ts', import.meta.url).href);
  installProbes({
    allowExec: config.allowExec,
    taskRoot: config.taskRoot,
    writableRoots: config.writableRoots,
    effectsLog: config.effectsLog,
  });
}
