import pc from 'picocolors';
import type { Colors } from 'picocolors/types.js';
import type { FuzzReport, ReportFinding } from '../api/report.js';
import type { Severity } from '../core/index.js';
import type { CampaignListener, CampaignProgress, ReportedFinding } from '../engine/types.js';

/** The two streams and the terminal kind a console reporter writes to. */
export interface ConsoleOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly interactive: boolean;
  /** Colour per stream (a terminal that wants it); plain text when absent. */
  readonly color?: { readonly stdout: boolean; readonly stderr: boolean } | undefined;
}

/** In a log: the first progress line after a second (the run is under way), then one every five. */
const FIRST_PLAIN_PROGRESS_MS = 1_000;
const PLAIN_PROGRESS_EVERY_MS = 5_000;
const SEVERITY_MARK = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' } as const;

/** `[HIGH]`, coloured by how bad it is when the stream takes colour. */
function severityMark(severity: Severity, c: Colors): string {
  const paint = severity === 'critical' ? (t: string) => c.bold(c.red(t)) : severity === 'high' ? c.red : severity === 'medium' ? c.yellow : c.dim;
  return paint(`[${SEVERITY_MARK[severity]}]`);
}

/**
 * Live progress on stderr (one rewritten line on a terminal, a plain line every few seconds in logs and CI),
 * each new finding announced as it is seen, and a summary on stdout at the end.
 */
export function createConsoleReporter(out: ConsoleOutput): CampaignListener & { finish(report: FuzzReport): void } {
  let nextPlain = FIRST_PLAIN_PROGRESS_MS;
  let lineOpen = false;
  const errColors = pc.createColors(out.color?.stderr === true);
  const outColors = pc.createColors(out.color?.stdout === true);
  const clearLine = (): void => {
    if (lineOpen) out.stderr('\r\x1b[2K');
    lineOpen = false;
  };
  return {
    onProgress(progress) {
      const text = progressLine(progress);
      if (out.interactive) {
        out.stderr(`\r\x1b[2K${text}`);
        lineOpen = true;
      } else if (progress.elapsedMs >= nextPlain) {
        nextPlain = progress.elapsedMs + PLAIN_PROGRESS_EVERY_MS;
        out.stderr(`${text}\n`);
      }
    },
    onBaseline(baseline) {
      if (baseline.problems.length === 0) return;
      clearLine();
      out.stderr(`eventfuzz: warning: the handler already fails on ${baseline.events === 1 ? 'an unmodified event' : `unmodified events (${baseline.events})`}, before any payload:\n`);
      for (const problem of baseline.problems) out.stderr(`  ${problem.oracle}: ${problem.title}\n${indentLines(problem.evidence)}\n`);
      out.stderr('  These are left out of the findings below; fix them first, or give --sample events your handler accepts.\n');
    },
    onNotice(message) {
      clearLine();
      out.stderr(`${message}\n`);
    },
    onFinding(finding, stage) {
      clearLine();
      out.stderr(stage === 'found' ? `  found  ${describe(finding, errColors)}\n` : `  shrunk ${finding.oracle} at ${finding.case.injection?.target ?? '(no payload)'}\n`);
    },
    finish(report) {
      clearLine();
      out.stdout(summary(report, outColors));
    },
  };
}

function indentLines(text: string): string {
  return text.split('\n').slice(0, 6).map((line) => `    ${line}`).join('\n');
}

function progressLine(p: CampaignProgress): string {
  const phase = p.phase === 'shrinking' ? ' (shrinking a finding)' : '';
  return `eventfuzz: ${p.runs} runs, ${p.execsPerSecond.toFixed(0)} execs/s, ${p.findings} finding${p.findings === 1 ? '' : 's'}, ${(p.elapsedMs / 1000).toFixed(1)}s${phase}`;
}

function describe(finding: ReportedFinding, c: Colors): string {
  return `${severityMark(finding.severity, c)} ${finding.oracle} (${finding.confidence}) at ${finding.injectionPoint ?? '(no payload)'}${finding.payloadId === null ? '' : ` with ${finding.payloadId}`}`;
}

/** The end-of-run summary: one block per finding with its evidence and how to replay it. */
export function summary(report: FuzzReport, c: Colors = pc.createColors(false)): string {
  const { stats } = report;
  const lines = [
    '',
    `eventfuzz ${report.tool.version}: ${report.target.ref} (${report.source}), seed ${report.seed}`,
    `${stats.runs} runs, ${stats.invocations} invocations in ${(stats.durationMs / 1000).toFixed(1)}s (${stats.execsPerSecond.toFixed(0)} execs/s)${report.interrupted ? ', interrupted' : ''}`,
  ];
  if (stats.coverage !== undefined && stats.coverage.pairs > 0) {
    const { pairs, covered } = stats.coverage;
    lines.push(`Covered ${covered} of ${pairs} field × payload-category pairs (${Math.floor((covered / pairs) * 100)}%)${covered < pairs ? '; a larger --runs or --duration covers the rest' : ''}.`);
  }
  const { blocked } = stats;
  if (blocked !== undefined && blocked.process + blocked.file + blocked.network > 0) {
    lines.push(`Blocked calls carrying a payload: ${blocked.process} commands, ${blocked.file} file operations, ${blocked.network} connections (see Safety in the README).`);
  }
  if (report.failure !== undefined) lines.push(`The run stopped early: ${report.failure}`);
  const { problems } = report.baseline;
  if (problems.length > 0) {
    lines.push(`Baseline: the handler already fails on ${report.baseline.events === 1 ? 'an unmodified event' : 'unmodified events'}, before any payload:`);
    for (const problem of problems) lines.push(`  ${problem.oracle}: ${problem.title}${problem.corpusFile === undefined ? '' : ` (saved to ${problem.corpusFile})`}`);
    lines.push('Payload findings with the same oracle and signature are left out; every other one is reported.');
  }
  if (report.findings.length > 0) {
    lines.push(`${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}:`, '');
    report.findings.forEach((finding, index) => lines.push(...block(finding, index + 1, c), ''));
  }
  const last = verdict(report);
  lines.push(last === 'No findings.' ? c.green(last) : c.bold(last), '');
  return lines.join('\n');
}

/**
 * The summary's last line says what decided the exit code, so a run that fails only because the handler
 * already fails on an unmodified event says that, instead of "No findings." above an exit 1.
 */
function verdict(report: FuzzReport): string {
  const findings = report.findings.length;
  const baseline = report.baseline.problems.length;
  if (findings === 0 && baseline === 0) return 'No findings.';
  const parts = [
    ...(findings === 0 ? ['No payload findings'] : [`${findings} finding${findings === 1 ? '' : 's'}`]),
    ...(baseline === 0 ? [] : [`${baseline} baseline failure${baseline === 1 ? '' : 's'} (${report.baseline.problems.map((p) => p.oracle).join(', ')} on an unmodified event)`]),
  ];
  return `${parts.join(findings === 0 ? ', but ' : ' and ')}: exit 1. Repeat this run with --seed ${report.seed}.`;
}

function block(finding: ReportFinding, number: number, c: Colors): string[] {
  const lines = [
    `${number}. ${severityMark(finding.severity, c)} ${c.bold(finding.title)}`,
    `   oracle     ${finding.oracle} (${finding.confidence})`,
    `   field      ${finding.field ?? finding.injectionPoint ?? '(no payload)'}`,
  ];
  if (finding.payloadId !== null) lines.push(`   payload    ${finding.payloadId}`);
  lines.push(`   seen       ${finding.hits} time${finding.hits === 1 ? '' : 's'}`);
  lines.push(...indent('evidence', finding.evidence));
  if (finding.replay !== null) lines.push(`   replay     ${finding.replay}`);
  return lines;
}

function indent(label: string, text: string): string[] {
  const [first = '', ...rest] = text.split('\n').slice(0, 12);
  return [`   ${label.padEnd(10)} ${first}`, ...rest.map((line) => `              ${line}`)];
}
