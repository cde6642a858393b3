import type { Confidence, PairCoverage, Severity } from '../core/index.js';
import type { CorpusTarget } from '../corpus/entry.js';
import type { BlockedCalls } from '../engine/blocked-calls.js';
import type { Shard } from '../engine/shard.js';
import type { CampaignResult, ReportedFinding } from '../engine/types.js';
import { isAbsolute, relative, resolve, sep } from 'node:path';
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
  /** The payload text the minimal case carries, canary filled in (null for a finding without one: a crash on a plain event). */
  readonly payload: string | null;
  readonly hits: number;
  readonly event: unknown;
  readonly corpusFile: string | null;
  readonly replay: string | null;
  /**
   * What makes this bug distinct within its oracle (the Finding's dedupe signature): the sink's call site, or the
   * error type and top frames. Never holds the canary, so it is the same for any seed; SARIF fingerprints use it.
   */
  readonly signature: string;
  /** Where the probed sink call is in the user's code, when a probe saw it (command, code, path, ssrf). */
  readonly sink?: SinkLocation;
}

/** A place in the user's code: `file` relative to where eventfuzz ran (posix separators), or absolute outside it. */
export interface SinkLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Where a local run's paths are relative to: the sink call sites are relative to the task root. */
export interface ReportPaths {
  readonly cwd: string;
  readonly taskRoot: string;
}

/** The report every reporter derives from; `--report out.json` writes exactly this. */
export interface FuzzReport {
  readonly tool: { readonly name: 'eventfuzz'; readonly version: string };
  readonly target: CorpusTarget;
  readonly source: string;
  readonly seed: number;
  /** Present for a sharded run (`--shard index/count`): this report covers that shard's share of the cases. */
  readonly shard?: Shard;
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
export function buildReport(result: CampaignResult, target: CorpusTarget, source: string, baseline: BaselineResult, paths?: ReportPaths, shard?: Shard): FuzzReport {
  const findings = [...result.findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.oracle.localeCompare(b.oracle) || (a.injectionPoint ?? '').localeCompare(b.injectionPoint ?? ''),
  );
  return {
    tool: { name: 'eventfuzz', version: VERSION },
    target,
    source,
    seed: result.seed,
    ...(shard === undefined ? {} : { shard: { index: shard.index, count: shard.count } }),
    stats: { runs: result.stats.runs, invocations: result.stats.invocations, durationMs: result.stats.durationMs, execsPerSecond: result.stats.execsPerSecond, blocked: result.stats.blocked,
      ...(result.stats.coverage === undefined ? {} : { coverage: result.stats.coverage }),
    },
    interrupted: result.interrupted,
    ...(result.failure === undefined ? {} : { failure: result.failure }),
    baseline,
    findings: findings.map((finding) => toReportFinding(finding, paths)),
  };
}

function toReportFinding(finding: ReportedFinding, paths: ReportPaths | undefined): ReportFinding {
  const sink = paths === undefined ? undefined : sinkLocation(finding, paths);
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
    payload: finding.case.injection?.payload ?? null,
    hits: finding.hits,
    event: finding.case.event,
    corpusFile: finding.corpusFile ?? null,
    replay: finding.corpusFile === undefined ? null : `npx eventfuzz replay ${shellQuote(finding.corpusFile)}`,
    signature: finding.signature,
    ...(sink === undefined ? {} : { sink }),
  };
}

/** Oracles whose signature starts with the probed sink's call site, `file:line:column` (src/probes/call-site.ts). */
const SINK_ORACLES: ReadonlySet<string> = new Set(['command-injection', 'code-injection', 'path-traversal', 'ssrf']);
const CALL_SITE = /^(.+?):(\d+):(\d+)(?=$|[:|\s])/;

/**
 * The sink of a finding, read from its signature: the probes already record the first stack frame outside node and
 * eventfuzz (relative to the task root when under it), so this costs nothing at run time. A frame in node_modules
 * is a library's call, not the line to fix: no sink then, and reports point at the handler file.
 */
export function sinkLocation(finding: Pick<ReportedFinding, 'oracle' | 'signature'>, paths: ReportPaths): SinkLocation | undefined {
  if (!SINK_ORACLES.has(finding.oracle)) return undefined;
  const match = CALL_SITE.exec(finding.signature);
  if (match === null) return undefined;
  const [, site = '', line = '0', column = '0'] = match;
  const absolute = isAbsolute(site) ? site : resolve(paths.taskRoot, site);
  if (absolute.split(/[\\/]/).includes('node_modules')) return undefined;
  const fromCwd = relative(paths.cwd, absolute);
  const file = fromCwd.startsWith('..') || isAbsolute(fromCwd) ? absolute : fromCwd;
  return { file: file.split(sep).join('/'), line: Number(line), column: Number(column) };
}

function shellQuote(text: string): string {
  return /^[\w./@:-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
