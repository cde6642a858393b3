/**
 * `mergeCorpora`, as the CLI and a team's own CI scripts call it. The merge is corpus work with no campaign
 * around it, so the API adds nothing; this is where the callers above the corpus layer take it from.
 */
export { mergeCorpora } from '../corpus/merge.js';
export type { MergeSummary } from '../corpus/merge.js';
