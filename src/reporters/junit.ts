import type { FuzzReport } from '../api/report.js';
import { builtinOracles } from '../oracles/index.js';

/*
 * JUnit XML for test dashboards (GitHub, GitLab, Jenkins): one <testsuite> per target, one <testcase> per oracle
 * (classname the target, name the oracle id), failing with every finding of that oracle. Written by hand: the
 * format is a dozen elements, and the builders on npm (junit-report-builder and kin) pull in an XML builder, a
 * date library and lodash for it. What matters is the escaping: findings carry hostile text.
 */

/** The JUnit XML of one or more reports (a config file's targets are one suite each). */
export function formatJunit(input: FuzzReport | readonly FuzzReport[]): string {
  const reports: readonly FuzzReport[] = Array.isArray(input) ? input : [input as FuzzReport];
  const suites = reports.map(suiteOf);
  const tests = suites.reduce((n, s) => n + s.tests, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const errors = suites.reduce((n, s) => n + s.errors, 0);
  const time = seconds(reports.reduce((ms, r) => ms + r.stats.durationMs, 0));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="eventfuzz" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">\n${suites.map((s) => s.xml).join('')}</testsuites>\n`;
}

function suiteOf(report: FuzzReport): { xml: string; tests: number; failures: number; errors: number } {
  const target = report.target.ref;
  const ids = [...new Set([...builtinOracles.map((o) => o.id), ...report.findings.map((f) => f.oracle), ...report.baseline.problems.map((p) => p.oracle)])];
  const cases: string[] = [];
  let failures = 0;
  for (const id of ids) {
    const findings = report.findings.filter((f) => f.oracle === id);
    const baseline = report.baseline.problems.filter((p) => p.oracle === id);
    const lines = [
      ...baseline.map((p) => `[${p.severity}] ${p.title} (on an unmodified event, before any payload)\n${p.evidence}`),
      ...findings.map((f) => [`[${f.severity}, ${f.confidence}] ${f.title}`, `field: ${f.field ?? f.injectionPoint ?? '(no payload)'}`, ...(f.payloadId === null ? [] : [`payload: ${f.payloadId}`]), `evidence: ${f.evidence}`, ...(f.replay === null ? [] : [`replay: ${f.replay}`])].join('\n')),
    ];
    const open = `    <testcase classname="${xmlAttr(target)}" name="${xmlAttr(id)}" time="0">`;
    if (lines.length === 0) {
      cases.push(`${open}</testcase>\n`);
      continue;
    }
    failures += 1;
    const first = findings[0]?.title ?? baseline[0]?.title ?? '';
    const message = `${lines.length} finding${lines.length === 1 ? '' : 's'}: ${first}`;
    cases.push(`${open}\n      <failure message="${xmlAttr(message)}" type="${xmlAttr(id)}">${xmlText(lines.join('\n\n'))}</failure>\n    </testcase>\n`);
  }
  // A run that stopped early did not test everything it was asked to: an error case says why.
  const errors = report.failure === undefined ? 0 : 1;
  if (report.failure !== undefined) {
    cases.push(`    <testcase classname="${xmlAttr(target)}" name="run" time="0">\n      <error message="${xmlAttr(`the run stopped early: ${report.failure}`)}" type="eventfuzz"/>\n    </testcase>\n`);
  }
  const tests = cases.length;
  const props = `      <property name="source" value="${xmlAttr(report.source)}"/>\n      <property name="seed" value="${report.seed}"/>\n      <property name="runs" value="${report.stats.runs}"/>\n`;
  const xml = `  <testsuite name="${xmlAttr(`eventfuzz ${target}`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(report.stats.durationMs)}">\n    <properties>\n${props}    </properties>\n${cases.join('')}  </testsuite>\n`;
  return { xml, tests, failures, errors };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * Characters XML 1.0 cannot carry at all, even escaped (controls other than tab, newline and return, lone
 * surrogates, U+FFFE/U+FFFF): shown as a visible `\uXXXX`, so the evidence stays readable and the file parses.
 */
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(text: string): string {
  return text.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function xmlText(text: string): string {
  return visible(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function xmlAttr(text: string): string {
  return xmlText(text).replaceAll('"', '&quot;').replaceAll("'", '&apos;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;').replaceAll('\t', '&#9;');
}
