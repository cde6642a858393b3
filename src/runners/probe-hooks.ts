import type { Effect } from '../core/observation.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../core/errors.js';

/** What `src/probes` needs to know to judge a side effect. Mirrors `ProbeOptions` in `src/probes/index.ts`. */
export interface ProbeOptions {
  readonly allowExec: boolean;
  readonly taskRoot: string;
}

/** Per-invocation recording: `begin()` before the handler runs, `end()` after, returning what it did. */
export interface Probes {
  begin(): void;
  end(): Effect[];
}

/** The probes module's surface (`src/probes/index.ts`); injectable so tests can substitute fakes. */
export interface ProbeHooks {
  /** Idempotent per realm; must run before the handler module loads. */
  installProbes(options: ProbeOptions): Probes;
}

/** Probes that record nothing: used while `src/probes` is absent. */
export const noopProbeHooks: ProbeHooks = {
  installProbes: () => ({ begin: () => {}, end: () => [] }),
};

// Built at run time so the compiler does not require the module to exist yet; tsx and vite map .js to .ts.
const probesUrl = new URL('../probes/index.js', import.meta.url);

/**
 * The real probes when `src/probes/index.{ts,js}` exists, else no-op probes. A probes module that exists but
 * fails to load is a harness fault (`EFZ_RUNNER_UNAVAILABLE`), not something to hide.
 */
export async function loadProbeHooks(): Promise<ProbeHooks> {
  const path = fileURLToPath(probesUrl);
  if (!existsSync(path) && !existsSync(path.replace(/\.js$/, '.ts'))) return noopProbeHooks;
  try {
    const mod = (await import(probesUrl.href)) as Partial<ProbeHooks>;
    if (typeof mod.installProbes !== 'function') {
      throw new Error('src/probes/index does not export installProbes(options)');
    }
    const installProbes = mod.installProbes;
    return { installProbes: (options) => installProbes(options) };
  } catch (error) {
    throw new HarnessError('EFZ_RUNNER_UNAVAILABLE', `eventfuzz's probes failed to load: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
}
