import type { FuzzReport } from '../api/report.js';
import type { CampaignListener, CampaignProgress, ReportedFinding } from '../engine/types.js';

/** At most one progress line a second: a tool reading the stream wants a heartbeat, not every case. */
const PROGRESS_EVERY_MS = 1_000;

/**
 * `--ndjson`: one JSON object a line on stdout for tools (a dashboard, a bot that comments on a pull request),
 * each with a `type`: `baseline`, `progress`, `notice`, `finding` (`stage` found or shrunk) and, last, `report`
 * (the JSON report, exactly what `--report out.json` writes). Lines are written whole, so a reader never sees
 * half an object.
 */
export function createNdjsonReporter(write: (text: string) => void): CampaignListener & { finish(report: FuzzReport): void } {
  let lastProgress = Number.NEGATIVE_INFINITY;
  const emit = (record: Record<string, unknown>): void => write(`${JSON.stringify(record)}\n`);
  return {
    onProgress(progress) {
      if (progress.elapsedMs - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = progress.elapsedMs;
      emit({ type: 'progress', ...progressFields(progress) });
    },
    onBaseline(baseline) {
      emit({ type: 'baseline', events: baseline.events, problems: baseline.problems.map(({ oracle, title, evidence }) => ({ oracle, title, evidence })) });
    },
    onNotice(message) {
      emit({ type: 'notice', message: message.replace(/^eventfuzz: /, '') });
    },
    onFinding(finding, stage) {
      emit({ type: 'finding', stage, finding: findingFields(finding) });
    },
    finish(report) {
      emit({ type: 'report', report });
    },
  };
}

function progressFields(p: CampaignProgress): Record<string, unknown> {
  return { runs: p.runs, invocations: p.invocations, findings: p.findings, elapsedMs: Math.round(p.elapsedMs), execsPerSecond: p.execsPerSecond, phase: p.phase };
}

/** A finding as the JSON report words it (src/api/report.ts), without the fields only the end knows. */
function findingFields(f: ReportedFinding): Record<string, unknown> {
  return {
    id: f.id,
    oracle: f.oracle,
    confidence: f.confidence,
    severity: f.severity,
    title: f.title,
    evidence: f.evidence,
    injectionPoint: f.injectionPoint,
    field: f.case.injection?.target ?? null,
    payloadId: f.payloadId,
    hits: f.hits,
    event: f.case.event,
    corpusFile: f.corpusFile ?? null,
  };
}
