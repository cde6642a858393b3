import type { BlockedCalls } from './blocked-calls.js';
import type fc from 'fast-check';
import type { Finding, FuzzCase, Observation, PairCoverage } from '../core/index.js';
import type { WatchedSecret } from '../core/index.js';
import type { OracleContext } from '../oracles/types.js';
import type { Runner } from '../runners/types.js';

/** A finding as the campaign reports it: the oracle's verdict plus the minimal case that shows it. */
export interface ReportedFinding extends Finding {
  /** Stable per distinct bug: a hash of the dedupe key. */
  readonly id: string;
  readonly dedupeKey: string;
  /**
   * Declared injection point (`Records[*].body`) whose payload causes this finding, or `null` when no payload
   * does: a case without one, or a finding the same event without its payload shows too.
   */
  readonly injectionPoint: string | null;
  readonly payloadId: string | null;
  /** The smallest case found that still shows this finding. */
  readonly case: FuzzCase;
  /** How many explored cases showed it. */
  readonly hits: number;
  /** Where it was stored, when a corpus directory was given. */
  readonly corpusFile: string | undefined;
}

export interface CampaignProgress {
  readonly runs: number;
  readonly invocations: number;
  readonly findings: number;
  readonly elapsedMs: number;
  readonly execsPerSecond: number;
  readonly phase: 'exploring' | 'shrinking';
}

/** Hooks the campaign calls as it goes; reporters implement them. A listener that throws is ignored. */
export interface CampaignListener {
  onProgress?(progress: CampaignProgress): void;
  /** Called the moment a distinct finding is first seen (before shrinking) and again once it is shrunk. */
  onFinding?(finding: ReportedFinding, stage: 'found' | 'shrunk'): void;
  /** Called once before fuzzing with what unmodified events showed (see `runBaseline`). */
  onBaseline?(baseline: { readonly events: number; readonly problems: readonly { readonly oracle: string; readonly title: string; readonly evidence: string }[] }): void;
  /** A line about the run for the user (a remote target's worst-case cost before it starts, throttling). */
  onNotice?(message: string): void;
}

/** Persists findings as they appear, so a killed run keeps them. */
export interface FindingSink {
  /** Writes (or overwrites) the entry for one finding; returns the file written. Must be atomic. */
  save(finding: Omit<ReportedFinding, 'corpusFile'>): Promise<string>;
}

/**
 * Lets later cases depend on what earlier ones showed (`CaseSchedule` in generators/ implements it). Case `index`
 * is drawn knowing exactly the cases before `index - lag`, however the invocations interleave: the campaign
 * holds generation back until those are judged, so a seed still gives one sequence of cases.
 */
export interface CaseFeedback {
  readonly lag: number;
  /** Called right before case `index` is drawn from `cases`. */
  beforeCase(index: number): void;
  /** What exploration case `index` showed, with the findings it gave that the run reports. */
  observed(index: number, fuzzCase: FuzzCase, observation: Observation, findings: readonly Finding[]): void;
  /** How many of the field × payload-category pairs were sent at least once. */
  coverage(): PairCoverage;
}

export interface CampaignOptions {
  readonly cases: fc.Arbitrary<FuzzCase>;
  /** Steers `cases` by what earlier cases showed; without it every case is an independent draw. */
  readonly feedback?: CaseFeedback | undefined;
  readonly runner: Runner;
  readonly judge: (observation: Observation, context: OracleContext) => readonly Finding[];
  readonly secrets: readonly WatchedSecret[];
  readonly timeoutMs: number;
  readonly seed: number;
  /** Stop after this many generated cases. */
  readonly runs: number;
  /** Stop after this much wall-clock time (exploration and shrinking together). */
  readonly durationMs?: number | undefined;
  /** Bounds on shrinking one finding. */
  readonly shrink?: { readonly maxInvocations: number; readonly maxMs: number } | undefined;
  readonly sink?: FindingSink | undefined;
  /**
   * `oracle|signature` pairs not to report: what the baseline (unmodified events) already showed, so payload
   * findings are not buried under a failure that has nothing to do with them.
   */
  readonly ignore?: ReadonlySet<string> | undefined;
  /**
   * The same case without its payload (see `payloadFreeCase` in generators/): the control that decides whether a
   * finding belongs to the payload's field or to the event. Without it, findings are attributed to the field.
   */
  readonly withoutPayload?: ((fuzzCase: FuzzCase) => FuzzCase | undefined) | undefined;
  /**
   * The same case with another payload text at the same field (see `withOtherPayload` in generators/): the
   * control that backs a "possible ReDoS" by growth. Without it, a ReDoS payload's timeout keeps its label.
   */
  readonly withPayload?: ((fuzzCase: FuzzCase, payload: string) => FuzzCase | undefined) | undefined;
  readonly listener?: CampaignListener | undefined;
  /** Aborting stops generating new cases; in-flight ones finish and everything found is still reported. */
  readonly signal?: AbortSignal | undefined;
}

export interface CampaignStats {
  readonly runs: number;
  /** Calls carrying a payload that eventfuzz refused to run during the fuzz cases (not shrinking), by kind. */
  readonly blocked: BlockedCalls;
  readonly invocations: number;
  readonly shrinkInvocations: number;
  /** Re-runs of found cases and of their payload-free twins (attribution, timeout confirmation). */
  readonly controlInvocations: number;
  readonly durationMs: number;
  readonly execsPerSecond: number;
  /** Field × payload-category pairs the exploration sent (with feedback only). */
  readonly coverage?: PairCoverage | undefined;
}

export interface CampaignResult {
  readonly seed: number;
  readonly findings: readonly ReportedFinding[];
  readonly stats: CampaignStats;
  /** True when the run was stopped early (Ctrl-C, abort, or a runner failure). */
  readonly interrupted: boolean;
  /** Why the run could not go on, when the runner failed mid-run (findings so far are still reported). */
  readonly failure?: string;
}
