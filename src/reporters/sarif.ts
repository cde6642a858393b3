import type { Location, Log, ReportingConfiguration, ReportingDescriptor, Result } from 'sarif';
import type { FuzzReport } from '../api/report.js';
import type { Severity } from '../core/index.js';
import type { DocumentedOracle } from '../oracles/types.js';
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinOracles } from '../oracles/index.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The key of eventfuzz's fingerprint: bump the version if what it hashes ever changes. */
export const FINGERPRINT_KEY = 'eventfuzz/v1';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** A finding or a baseline problem: what one SARIF result is made from. */
interface Problem {
  readonly oracle: string;
  readonly severity: Severity;
  readonly title: string;
  readonly evidence: string;
  readonly signature: string;
  readonly field?: string | null;
  readonly payloadId?: string | null;
  readonly replay?: string | null;
  readonly sink?: { readonly file: string; readonly line: number; readonly column: number } | undefined;
  readonly properties: Record<string, unknown>;
}

/**
 * Turns one or more JSON reports into a SARIF 2.1.0 log with one run: a rule per built-in oracle (with its CWE,
 * help and fix hint), and a result per finding and per baseline problem, located at the sink's line when a probe
 * saw it, else at the handler file. Deterministic: the same reports give the same log.
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function toSarif(input: FuzzReport | readonly FuzzReport[]): Log {
  const reports: readonly FuzzReport[] = Array.isArray(input) ? input : [input as FuzzReport];
  const rules: ReportingDescriptor[] = builtinOracles.map(ruleOf);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index] as const));
  const results: Result[] = [];
  for (const report of reports) {
    for (const problem of problemsOf(report)) {
      if (!ruleIndex.has(problem.oracle)) {
        ruleIndex.set(problem.oracle, rules.length);
        rules.push(bareRule(problem.oracle));
      }
      results.push(resultOf(problem, report, ruleIndex.get(problem.oracle) ?? 0));
    }
  }
  const failures = reports.filter((report) => report.failure !== undefined);
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'eventfuzz', version: reports[0]?.tool.version ?? '0.0.0', rules } },
        invocations: [
          {
            executionSuccessful: failures.length === 0,
            ...(failures.length === 0
              ? {}
              : { toolExecutionNotifications: failures.map((report) => ({ level: 'error' as const, message: { text: `${report.target.ref}: the run stopped early: ${report.failure ?? ''}` } })) }),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

/** The SARIF log as the text `--report out.sarif` writes. */
export function formatSarif(input: FuzzReport | readonly FuzzReport[]): string {
  return `${JSON.stringify(toSarif(input), null, 2)}\n`;
}

/**
 * Stable across runs of the same bug: the oracle, the target and the signature with every `:line:column` removed,
 * hashed. The signature never holds the canary, so another seed gives the same value; without line numbers, an
 * edit above the sink does not either (GitHub then keeps the alert open instead of closing and reopening it).
 */
export function fingerprint(oracle: string, targetRef: string, signature: string): string {
  const stable = signature.replace(/:\d+:\d+/g, '');
  return createHash('sha256').update(`${oracle}\0${targetRef}\0${stable}`).digest('hex').slice(0, 32);
}

function problemsOf(report: FuzzReport): Problem[] {
  const findings = report.findings.map((finding): Problem => ({
    ...finding,
    properties: {
      findingId: finding.id,
      confidence: finding.confidence,
      severity: finding.severity,
      injectionPoint: finding.injectionPoint,
      field: finding.field,
      payloadId: finding.payloadId,
      hits: finding.hits,
      corpusFile: finding.corpusFile,
      seed: report.seed,
      source: report.source,
    },
  }));
  const baseline = report.baseline.problems.map((problem): Problem => ({
    ...problem,
    replay: problem.corpusFile === undefined ? null : `npx eventfuzz replay ${problem.corpusFile}`,
    properties: { baseline: true, severity: problem.severity, corpusFile: problem.corpusFile ?? null, seed: report.seed, source: report.source },
  }));
  return [...findings, ...baseline];
}

function resultOf(problem: Problem, report: FuzzReport, ruleIndex: number): Result {
  const lines = [problem.title];
  if (problem.field !== undefined && problem.field !== null) lines.push(`Field: ${problem.field}`);
  else if (problem.properties['baseline'] === true) lines.push('Shown by an unmodified event (no payload).');
  if (problem.payloadId !== undefined && problem.payloadId !== null) lines.push(`Payload: ${problem.payloadId}`);
  lines.push(`Evidence: ${problem.evidence}`);
  if (problem.replay !== undefined && problem.replay !== null) lines.push(`Replay: ${problem.replay}`);
  return {
    ruleId: problem.oracle,
    ruleIndex,
    level: LEVEL[problem.severity],
    message: { text: lines.join('\n') },
    locations: [locationOf(report, problem.sink)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(problem.oracle, report.target.ref, problem.signature) },
    properties: { ...problem.properties, target: report.target.ref },
  };
}

/**
 * A local handler: its file (relative to where eventfuzz ran, so `%SRCROOT%` when run from the repository root), at
 * the sink's line when known. A deployed target has no file: code scanning refuses URI schemes it does not know
 * (`lambda:`, `https:`), so it gets a repository-style path naming it (`lambda/orders-staging`,
 * `http/api.example.com/staging`) and a logical location with the real name.
 */
function locationOf(report: FuzzReport, sink: Problem['sink']): Location {
  const { kind, ref } = report.target;
  if (kind !== 'local') {
    return {
      physicalLocation: { artifactLocation: { uri: remotePath(kind, ref), uriBaseId: '%SRCROOT%' } },
      logicalLocations: [{ name: ref, kind: kind === 'lambda' ? 'function' : 'resource' }],
    };
  }
  const file = sink?.file ?? handlerFile(ref);
  return {
    physicalLocation: {
      artifactLocation: artifactOf(file),
      ...(sink === undefined ? {} : { region: { startLine: sink.line, startColumn: sink.column } }),
    },
  };
}

function artifactOf(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(file.split('\\').join('/')), uriBaseId: '%SRCROOT%' };
}

/** `path/to/handler.ts#handler` → `path/to/handler.ts`. */
function handlerFile(ref: string): string {
  const hash = ref.lastIndexOf('#');
  return hash === -1 ? ref : ref.slice(0, hash);
}

function remotePath(kind: 'lambda' | 'http', ref: string): string {
  if (kind === 'http') {
    try {
      const url = new URL(ref);
      const port = url.port === '' ? '' : `_${url.port}`;
      return `http/${url.hostname}${port}${url.pathname}`.replace(/\/+$/, '');
    } catch {
      // fall through: an unparsable URL is named like a function
    }
  }
  // An ARN's colons would read as a URI scheme.
  return `${kind}/${ref.replace(/[^\w.-]+/g, '_')}`;
}

function ruleOf(oracle: DocumentedOracle): ReportingDescriptor {
  const { cwe, securitySeverity, help, fix } = oracle.docs;
  const cweNumber = cwe.replace(/^CWE-/, '');
  const cweUri = `https://cwe.mitre.org/data/definitions/${cweNumber}.html`;
  return {
    id: oracle.id,
    name: pascalCase(oracle.id),
    shortDescription: { text: sentence(oracle.description) },
    fullDescription: { text: help },
    help: { text: `${help}\n\nFix: ${fix}\n\n${cwe}: ${cweUri}`, markdown: `${help}\n\n**Fix:** ${fix}\n\n[${cwe}](${cweUri})` },
    helpUri: cweUri,
    defaultConfiguration: { level: levelOfScore(Number(securitySeverity)) },
    properties: { tags: ['security', cwe, `external/cwe/cwe-${cweNumber}`], 'security-severity': securitySeverity, precision: 'high' },
  };
}

/** A finding of an oracle eventfuzz does not document (its own internal one, or a newer report's). */
function bareRule(id: string): ReportingDescriptor {
  return { id, name: pascalCase(id), shortDescription: { text: `Findings of oracle "${id}".` }, properties: { tags: ['security'] } };
}

function levelOfScore(score: number): ReportingConfiguration.level {
  return score >= 7 ? 'error' : score >= 4 ? 'warning' : 'note';
}

function pascalCase(id: string): string {
  return id.replace(/(^|[^a-zA-Z0-9]+)([a-zA-Z0-9])/g, (_all, _sep: string, char: string) => char.toUpperCase());
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
