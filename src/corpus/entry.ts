import type { Confidence, FuzzCase, Severity } from '../core/index.js';

/** What a corpus entry was found against; replay uses it when no other target is given. */
export interface CorpusTarget {
  readonly kind: 'local' | 'lambda' | 'http';
  /** `path/to/handler.ts#handler` (relative to where eventfuzz ran), a function name or ARN, or a URL. */
  readonly ref: string;
}

/**
 * One stored finding: the minimal case and what it showed. Plain JSON, replayed without regeneration, so a
 * corpus keeps working when generators change.
 */
export interface CorpusEntry {
  readonly version: 1;
  readonly id: string;
  readonly tool: { readonly name: 'eventfuzz'; readonly version: string };
  readonly target: CorpusTarget;
  readonly seed: number;
  readonly finding: {
    readonly oracle: string;
    readonly confidence: Confidence;
    readonly severity: Severity;
    readonly title: string;
    readonly dedupeKey: string;
    readonly injectionPoint: string | null;
    readonly payloadId: string | null;
  };
  readonly case: FuzzCase;
}
