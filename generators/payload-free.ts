import type { FuzzCase } from '../src/core/index.js';

/**
 * The event each generated case was built on, before its payload was written: the control that tells whether
 * the payload or the event itself causes a finding. Kept beside the case rather than inside it, so corpus
 * entries and reports stay the size of one event, and exact: it is the very base event the case builder drew
 * (already valid and in sync), not a reconstruction of the field's old value. Weak: a case that is dropped
 * takes its control with it.
 */
const baseEvents = new WeakMap<FuzzCase, unknown>();
/** How to write another text where each case's payload went (same field, placement and encodings). */
const rewriters = new WeakMap<FuzzCase, (payload: string) => FuzzCase | undefined>();

/** Records that `fuzzCase` is `base` with one payload written into it; returns the case. */
export function withPayloadFreeBase(fuzzCase: FuzzCase, base: unknown, rewrite?: (payload: string) => FuzzCase | undefined): FuzzCase {
  if (fuzzCase.injection !== null) {
    baseEvents.set(fuzzCase, base);
    if (rewrite !== undefined) rewriters.set(fuzzCase, rewrite);
  }
  return fuzzCase;
}

/**
 * The same case with `payload` (rendered text) in place of its payload, written into the same field with the same
 * placement and encodings, or `undefined` when the case was not built here or the field cannot carry the text.
 * The control that asks whether a hang grows with the payload's length.
 */
export function withOtherPayload(fuzzCase: FuzzCase, payload: string): FuzzCase | undefined {
  return rewriters.get(fuzzCase)?.(payload);
}

/** The event `fuzzCase` was built on, without building its payload-free twin (the schedule asks per case). */
export function payloadFreeBase(fuzzCase: FuzzCase): unknown {
  return baseEvents.get(fuzzCase);
}

/**
 * The same case without its payload (same event shape, source and canary, no injection), or `undefined` when
 * the case carries no payload or was not built here (a case read back from a corpus).
 */
export function payloadFreeCase(fuzzCase: FuzzCase): FuzzCase | undefined {
  if (fuzzCase.injection === null || !baseEvents.has(fuzzCase)) return undefined;
  return { source: fuzzCase.source, event: baseEvents.get(fuzzCase), canary: fuzzCase.canary, injection: null, mutators: fuzzCase.mutators };
}
