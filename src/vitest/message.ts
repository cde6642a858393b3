import type { FuzzReport, ReportFinding } from '../api/report.js';
import type { ReplayOutcome } from '../api/replay.js';

/** Longest minimal event shown, in characters of pretty JSON; longer ones are cut with a length marker. */
export const MAX_EVENT_CHARS = 2000;

/** The minimal event as pretty JSON, cut at `max` characters with a marker saying how long it was. */
export function prettyEvent(event: unknown, max = MAX_EVENT_CHARS): string {
  const json = JSON.stringify(event, null, 2) ?? String(event);
  return json.length <= max ? json : `${json.slice(0, max)}\n… (truncated: ${json.length} characters in all)`;
}

/** Longest payload text shown on its line; ReDoS pumps run to tens of thousands of characters. */
const MAX_PAYLOAD_CHARS = 200;

function payloadText(payload: string): string {
  const shown = JSON.stringify(payload.length <= MAX_PAYLOAD_CHARS ? payload : payload.slice(0, MAX_PAYLOAD_CHARS));
  return payload.length <= MAX_PAYLOAD_CHARS ? shown : `${shown}… (+${payload.length - MAX_PAYLOAD_CHARS} chars)`;
}

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}

/** One finding as a story: oracle, field, payload, evidence, replay command, minimal event. */
export function describeFinding(f: ReportFinding, index: number): string {
  const lines = [
    `${index}. ${f.oracle} (${f.severity}, ${f.confidence}): ${f.title}`,
    `   field:    ${f.field ?? f.injectionPoint ?? '-'}`,
    `   payload:  ${f.payloadId ?? '-'}${f.payload === null ? '' : `: ${payloadText(f.payload)}`}`,
    `   evidence: ${f.evidence.split('\n').join('\n             ')}`,
    `   replay:   ${f.replay ?? (f.corpusFile === null ? '(not saved: pass corpusDir to keep it)' : `npx eventfuzz replay ${f.corpusFile}`)}`,
    `   minimal event:`,
    indent(prettyEvent(f.event), '     '),
  ];
  return lines.join('\n');
}

/** A corpus entry that still reproduces, or a seed event that shows a finding. */
export function describeReplayed(o: ReplayOutcome, index: number): string {
  const what = o.kind === 'seed' ? `seed event shows a finding: ${o.file}` : `corpus entry still reproduces: ${o.file}`;
  return [`${index}. ${what}`, `   seen:     ${o.seen.join('; ') || '-'}`, `   replay:   npx eventfuzz replay ${o.file}`].join('\n');
}

/** The whole failure message; empty string when nothing failed. */
export function failureMessage(report: FuzzReport | undefined, reproduced: readonly ReplayOutcome[], how: string): string {
  const parts: string[] = [];
  reproduced.forEach((o, i) => parts.push(describeReplayed(o, i + 1)));
  if (report !== undefined) {
    if (report.failure !== undefined) parts.push(`the run stopped early: ${report.failure}`);
    for (const p of report.baseline.problems) parts.push(`${p.oracle} (${p.severity}) on an unmodified event: ${p.title}`);
    report.findings.forEach((f, i) => parts.push(describeFinding(f, reproduced.length + i + 1)));
  }
  if (parts.length === 0) return '';
  const count = reproduced.length + (report?.findings.length ?? 0);
  return [`eventfuzz found ${count} problem(s) (${how}):`, '', parts.join('\n\n')].join('\n');
}
