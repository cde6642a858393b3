// Installs the probes in a node process the handler under test started, with the options of the realm that
// started it (handed over in CHILD_PROBES_ENV), sending their effects to the log that realm reads when the
// invocation ends. Imported by bootstrap.mjs once tsx is registered; `eventfuzz layer` bundles it as the bootstrap.
import { CHILD_PROBES_ENV } from '../child-effects.js';
import type { ChildProbeConfig } from '../child-effects.js';
import { installProbes } from '../index.js';

const text = process.env[CHILD_PROBES_ENV];
if (text !== undefined) {
  const config = JSON.parse(text) as ChildProbeConfig;
  installProbes({ allowExec: config.allowExec, taskRoot: config.taskRoot, writableRoots: config.writableRoots, effectsLog: config.effectsLog });
}
