import type { Payload } from './types.js';
import { join } from 'node:path';
import { HarnessError } from '../core/errors.js';
import { loadPayloads } from './load.js';
import { payloadsDir } from './payloads-dir.js';
import { renderPayload } from './types.js';

/**
 * Timing payloads: the sleeping twins of the command- and code-injection shapes, in `payloads/timing/<family>.json`
 * (same file format, same loader, one more placeholder). They live in a folder of their own so exploration never
 * draws them: only the timing check of a remote run sends them, at doses it chooses (src/engine/timing-check.ts).
 */

/** Where a timing template writes its delay, in seconds (`sleep {{seconds}}`, `{{seconds}}*1e3` ms in JavaScript). */
export const SECONDS_PLACEHOLDER = '{{seconds}}';

/** The longest delay a timing payload may ask for: the corpus's rule that execution payloads wait at most 2 s. */
export const MAX_TIMING_SECONDS = 2;

let defaultTiming: readonly Payload[] | undefined;

/** The folder of the package's own timing payloads. */
export function timingPayloadsDir(): string {
  return join(payloadsDir(), 'timing');
}

/**
 * Loads the timing payloads (default: the package's own, cached), checking that each template carries both the
 * token and `{{seconds}}`: a timing payload without its delay would measure nothing.
 * @throws HarnessError `EFZ_PAYLOAD_INVALID` naming the payload.
 */
export function loadTimingPayloads(options: { readonly dir?: string } = {}): readonly Payload[] {
  if (options.dir === undefined && defaultTiming !== undefined) return defaultTiming;
  const dir = options.dir ?? timingPayloadsDir();
  const payloads = loadPayloads({ dir });
  for (const payload of payloads) {
    for (const placeholder of ['{{token}}', SECONDS_PLACEHOLDER]) {
      if (!payload.template.includes(placeholder)) {
        throw new HarnessError('EFZ_PAYLOAD_INVALID', `${join(dir, `${payload.family}.json`)}: payload "${payload.id}": a timing template needs ${placeholder}.`);
      }
    }
  }
  if (options.dir === undefined) defaultTiming = payloads;
  return payloads;
}

/**
 * Renders a timing template for `token` with a delay of `seconds` (0 to {@link MAX_TIMING_SECONDS}, at most three
 * decimals: `0.5`, `2`, `0.125`), through `renderPayload` like every other payload.
 * @throws HarnessError `EFZ_USAGE` for a delay outside that range.
 */
export function renderTimingPayload(template: string, token: string, seconds: number): string {
  if (!(Number.isFinite(seconds) && seconds >= 0 && seconds <= MAX_TIMING_SECONDS)) {
    throw new HarnessError('EFZ_USAGE', `A timing dose must be between 0 and ${MAX_TIMING_SECONDS} seconds, got ${String(seconds)}.`);
  }
  return renderPayload(template.replaceAll(SECONDS_PLACEHOLDER, String(Number(seconds.toFixed(3)))), token);
}
