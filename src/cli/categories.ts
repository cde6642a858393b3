import { HarnessError } from '../core/index.js';
import type { Payload } from '../payloads/index.js';
import { payloadFamilies, selectPayloads } from '../payloads/index.js';

/**
 * The payloads of one category (all of them for `undefined`). The CLI and README call a payload family a
 * "category" (`--category`, `--inject [category]`), so an unknown one is reported in those words, the same as
 * `fuzz --category` does, rather than with src/payloads' "family".
 */
export function selectCategory(payloads: readonly Payload[], category: string | undefined): readonly Payload[] {
  if (category === undefined) return payloads;
  const known = payloadFamilies(payloads);
  if (!known.includes(category)) throw new HarnessError('EFZ_UNKNOWN_CATEGORY', `Unknown payload category "${category}". Known categories: ${known.join(', ')}.`);
  return selectPayloads(payloads, { family: category });
}
