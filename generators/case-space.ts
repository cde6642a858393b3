import fc from 'fast-check';
import type { CaseSpace, TargetPattern } from './fuzz-case.js';
import { toTargets } from './fuzz-case.js';
import { formatPath } from './inject.js';
import { isNumberText, sampleFields } from './sample/index.js';
import type { EventSource, SourceId } from './types.js';

/** Cases built on freshly generated valid events of one source, targeting its declared injection points. */
export function caseSpaceForSource(source: EventSource<unknown>): CaseSpace {
  const targets = toTargets(source.injectionPoints);
  return { sourceId: source.id, base: source.arbitrary(), targetsFor: () => targets, sync: source.sync };
}

/**
 * Cases built on the user's own events (`--sample`): every attacker-controlled string leaf of each sample is a
 * target, including leaves inside JSON-in-string fields, and the rest of the sample stays intact. A sample of a
 * known source keeps that source's derived fields in sync after a write; a custom event is plain JSON.
 */
export function caseSpaceForSamples(samples: readonly unknown[], source: EventSource<unknown> | undefined): CaseSpace {
  const sourceId: SourceId | 'custom' = source?.id ?? 'custom';
  const targetsBySample = new Map<unknown, readonly TargetPattern[]>();
  for (const sample of samples) {
    const fields = sampleFields(sample, source?.id);
    targetsBySample.set(sample, fields.map(({ path, numeric }) => ({ path, point: formatPath(path), accepts: numeric ? isNumberText : undefined })));
  }
  return {
    sourceId,
    base: fc.constantFrom(...samples),
    targetsFor: (event) => targetsBySample.get(event) ?? [],
    sync: source === undefined ? (event) => event : tolerantSync(source.sync),
    samples,
  };
}

/**
 * A source's `sync` expects the full shape it generates; a user's sample may leave fields out (no
 * messageAttributes, no headers). Then there is nothing to keep in agreement, and the written event is used as is.
 */
function tolerantSync(sync: (event: unknown) => unknown): (event: unknown) => unknown {
  return (event) => {
    try {
      return sync(event);
    } catch {
      return event;
    }
  };
}
