import type { ProbeOptions, Probes } from '../probes/index.js';
import { installProbes } from '../probes/index.js';

export type { ProbeOptions, Probes } from '../probes/index.js';

/** The probes module's surface, injectable so tests can substitute fakes. */
export interface ProbeHooks {
  /** Idempotent per realm; must run before the handler module loads. */
  installProbes(options: ProbeOptions): Probes;
}

/** The real probes (`src/probes`): child_process, fs, network, code evaluation and built-in prototypes. */
export const probeHooks: ProbeHooks = { installProbes };
