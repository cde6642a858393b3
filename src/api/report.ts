import type { Confidence, PairCoverage, Severity } from '../core/index.js';
import type { CorpusTarget } from '../corpus/entry.js';
import type { BlockedCalls } from '../engine/blocked-calls.js';
import type { CampaignResult, ReportedFinding } from '../engine/types.js';
import { VERSION } from '../version.js';
import type { BaselineResult } from './baseline.js';

/** One finding in the JSON report (DESIGN.md contract; extra keys may be added, none removed). */
export interface ReportFinding {
  readonly id: string;
  readonly oracle: string;
  readonly confidence: Confidence;
  readonly severity: Severity;
  readonly title: string;
  readonly evidence: string;
  readonly injectionPoint: string | null;
  /** The concrete field the minimal case wrote (`Records[0].body<json>.orderId`). */
  readonly field: string | null;
  readonly payloadId: string | null;
  readonly hits: number;
  readonly event: unknown;
  readonly corpusFile: string | null;
  readonly replay: string | null;
}

/** The report every reporter derives from; `--report out.json` writes exactly this. */
export interface FuzzReport {
  readonly tool: { readonly name: 'eventfuzz'; readonly version: string };
  readonly target: CorpusTarget;
  readonly source: string;
  readonly seed: number;
  readonly stats: {
    readonly runs: number;
    readonly invocations: number;
    readonly durationMs: number;
    readonly execsPerSecond: number;
    /** Calls carrying a payload that eventfuzz refused to run (commands, file writes, connections). */
    readonly blocked: BlockedCalls;
    /** Of the field × payload-category pairs the run could send, how many it sent (absent for replays). */
    readonly coverage?: PairCoverage;
  };
  readonly interrupted: boolean;
  /** Present when the run stopped early because the target could no longer be run (findings so far kept). */
  readonly failure?: string;
  /** What unmodified events did; problems there are left out of `findings`. */
  readonly baseline: BaselineResult;
  readonly findings: readonly ReportFinding[];
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Builds the report from a campaign result; findings sorted most severe first, then by oracle and point. */
export function buildReport(result: CampaignResult, target: CorpusTarget, source: string, baseline: BaselineResult): FuzzReport {
  const findings = [...result.findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.oracle.localeCompare(b.oracle) || (a.injectionPoint ?? '').localeCompare(b.injectionPoint ?? ''),
  );
  return {
    tool: { name: 'eventfuzz', version: VERSION },
    target,
    source,
    seed: result.seed,
    stats: { runs: result.stats.runs, invocations: result.stats.invocations, durationMs: result.stats.durationMs, execsPerSecond: result.stats.execsPerSecond, blocked: result.stats.blocked,
      ...(result.stats.coverage === undefined ? {} : { coverage: result.stats.coverage }),
    },
    interrupted: result.interrupted,
    ...(result.failure === undefined ? {} : { failure: result.failure }),
    baseline,
    findings: findings.map(toReportFinding),
  };
}

function toReportFinding(finding: ReportedFinding): ReportFinding {
  return {
    id: finding.id,
    oracle: finding.oracle,
    confidence: finding.confidence,
    severity: finding.severity,
    title: finding.title,
    evidence: finding.evidence,
    injectionPoint: finding.injectionPoint,
    field: finding.case.injection?.target ?? null,
    payloadId: finding.payloadId,
    hits: finding.hits,
    event: finding.case.event,
    corpusFile: finding.corpusFile ?? null,
    replay: finding.corpusFile === undefined ? null : `npx eventfuzz replay ${shellQuote(finding.corpusFile)}`,
  };
}

function shellQuote(text: string): string {
  return /^[\w./@:-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
