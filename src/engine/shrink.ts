import type fc from 'fast-check';
import type { Finding, FuzzCase } from '../core/index.js';

export interface ShrinkRequest {
  readonly start: fc.Value<FuzzCase>;
  /** The dedupe key the smaller case must still show. */
  readonly key: string;
  /** A candidate counts only if its finding is at least this strong (see `strength`), so shrinking never trades
   * a confirmed finding for a tainted one. */
  readonly minimumStrength: number;
  readonly strength: (finding: Finding) => number;
  readonly arbitrary: fc.Arbitrary<FuzzCase>;
  /** Runs a candidate and returns its findings with their dedupe keys. */
  readonly evaluate: (candidate: FuzzCase) => Promise<readonly { readonly key: string; readonly finding: Finding }[]>;
  readonly limits: { readonly maxInvocations: number; readonly maxMs: number };
  readonly signal?: AbortSignal | undefined;
  /** Checked before each candidate: true once the run cannot go on (the runner failed). */
  readonly shouldStop?: (() => boolean) | undefined;
}

export interface ShrinkResult {
  readonly fuzzCase: FuzzCase;
  readonly finding: Finding;
  readonly steps: number;
}

/**
 * fast-check's shrinking strategy driven by hand (the campaign runs cases in parallel, so it cannot use
 * `fc.check`): take the first shrink candidate that still shows the same finding, then shrink from it, until no
 * candidate does or the budget is spent. Returns `undefined` when nothing smaller was found.
 */
export async function shrinkFinding(request: ShrinkRequest): Promise<ShrinkResult | undefined> {
  const { arbitrary, evaluate, key, limits, signal, minimumStrength, strength } = request;
  const deadline = performance.now() + limits.maxMs;
  let current = request.start;
  let best: ShrinkResult | undefined;
  let invocations = 0;
  let steps = 0;
  descend: for (;;) {
    for (const candidate of arbitrary.shrink(current.value_, current.context)) {
      if (invocations >= limits.maxInvocations || performance.now() > deadline || signal?.aborted === true || request.shouldStop?.() === true) break descend;
      invocations++;
      const match = (await evaluate(candidate.value)).find((hit) => hit.key === key && strength(hit.finding) >= minimumStrength);
      if (match !== undefined) {
        current = candidate;
        best = { fuzzCase: candidate.value, finding: match.finding, steps: ++steps };
        continue descend;
      }
    }
    break;
  }
  return best;
}
