import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { FuzzReport, ReportFinding } from '../../../src/api/report.js';
import { builtinOracles } from '../../../src/oracles/index.js';
import { formatJunit } from '../../../src/reporters/junit.js';

const HOSTILE = 'a ]]> b <script>&amp; "quoted" \'single\' NUL\u0000 BEL\u0007 lone\uD800 pair😀 FFFE\uFFFE';

const finding = (over: Partial<ReportFinding>): ReportFinding => ({
  id: 'f1', oracle: 'command-injection', confidence: 'confirmed', severity: 'critical', title: 'Command injection', evidence: 'ran', injectionPoint: 'Records[*].body',
  field: 'Records[0].body', payloadId: 'ci-or', payload: "' OR '1'='1", hits: 1, event: {}, corpusFile: 'c.json', replay: 'npx eventfuzz replay c.json', signature: 'h.mjs:1:1', ...over,
});

const report = (over: Partial<FuzzReport>): FuzzReport => ({
  tool: { name: 'eventfuzz', version: '0.1.0' }, target: { kind: 'local', ref: 'src/h.mjs#handler' }, source: 'sqs', seed: 1,
  stats: { runs: 10, invocations: 10, durationMs: 1500, execsPerSecond: 6.7, blocked: { process: 0, file: 0, network: 0 } }, interrupted: false,
  baseline: { events: 1, problems: [] }, findings: [], ...over,
} as FuzzReport);

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'property'].includes(name) });
type Case = { classname: string; name: string; failure?: { message: string; type: string; '#text': string }[]; error?: { message: string } };
type Suite = { name: string; tests: string; failures: string; errors: string; testcase: Case[] };
const parse = (xml: string): { testsuites: { tests: string; failures: string; testsuite: Suite[] } } => {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as never;
};

describe('JUnit XML', () => {
  it('one test case per target and oracle; a failure per oracle with findings, listing each; counts add up', () => {
    const a = report({ findings: [finding({}), finding({ id: 'f2', title: 'Another shell call' }), finding({ id: 'f3', oracle: 'crash', severity: 'medium', title: 'Handler threw' })] });
    const b = report({ target: { kind: 'local', ref: 'src/other.mjs#handler' } });
    const xml = parse(formatJunit([a, b]));
    expect(xml.testsuites.testsuite).toHaveLength(2);
    const [first, second] = xml.testsuites.testsuite as [Suite, Suite];
    expect(first.testcase.map((c) => c.name)).toEqual(builtinOracles.map((o) => o.id));
    expect(first.testcase.every((c) => c.classname === 'src/h.mjs#handler')).toBe(true);
    expect(first.failures).toBe('2');
    expect(first.tests).toBe(String(builtinOracles.length));
    const command = first.testcase.find((c) => c.name === 'command-injection')!;
    expect(command.failure![0]!.message).toBe('2 findings: Command injection');
    expect(command.failure![0]!['#text']).toMatch(/Another shell call/);
    expect(command.failure![0]!['#text']).toMatch(/replay: npx eventfuzz replay c\.json/);
    expect(second.failures).toBe('0');
    expect(xml.testsuites.failures).toBe('2');
  });

  it('hostile text in titles, evidence and refs survives parsing, with characters XML cannot carry made visible', () => {
    const xml = formatJunit(report({ target: { kind: 'local', ref: `${HOSTILE}#handler` }, findings: [finding({ title: HOSTILE, evidence: HOSTILE })] }));
    const parsed = parse(xml);
    const command = parsed.testsuites.testsuite[0]!.testcase.find((c) => c.name === 'command-injection')!;
    const expected = HOSTILE.replace('\u0000', '\\u0000').replace('\u0007', '\\u0007').replace('\uD800', '\\ud800').replace('\uFFFE', '\\ufffe');
    expect(command.classname).toBe(`${expected}#handler`);
    expect(command.failure![0]!.message).toBe(`1 finding: ${expected}`);
    expect(command.failure![0]!['#text']).toContain(`evidence: ${expected}`);
  });

  it('a baseline problem fails its oracle; a run that stopped early is an error case', () => {
    const xml = parse(formatJunit(report({ baseline: { events: 1, problems: [{ oracle: 'crash', severity: 'medium', title: 'Handler threw', evidence: 'TypeError', signature: 'x' }] } as never, failure: 'the worker died' })));
    const suite = xml.testsuites.testsuite[0]!;
    expect(suite.testcase.find((c) => c.name === 'crash')!.failure![0]!['#text']).toMatch(/unmodified event/);
    expect(suite.errors).toBe('1');
    expect(suite.testcase.find((c) => c.name === 'run')!.error!.message).toMatch(/the worker died/);
  });
});
