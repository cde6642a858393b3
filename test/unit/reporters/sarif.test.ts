import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import type { FuzzReport } from '../../../src/api/report.js';
import { builtinOracles } from '../../../src/oracles/index.js';
import { FINGERPRINT_KEY, fingerprint, toSarif } from '../../../src/reporters/sarif.js';

// The official SARIF 2.1.0 schema (draft-04), vendored: tests never reach the network.
const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/sarif/sarif-2.1.0-rtm.5.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
const HANDLER = 'examples/02-s3-command-injection/handler.mjs';

// CommonJS packages: under nodenext the default import is module.exports, whose `default` is the export.
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;

function validator(): (data: unknown) => { valid: boolean; errors: string } {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (data) => ({ valid: validate(data) === true, errors: JSON.stringify(validate.errors?.slice(0, 5)) });
}

let seed1: FuzzReport;
let seed99: FuzzReport;
beforeAll(async () => {
  // One after the other: two in-process campaigns at once would share the process's probes.
  const run = (seed: number) => fuzz({ handler: HANDLER, source: 's3', runs: 200, seed, runner: 'in-process', categories: ['command-injection'] });
  seed1 = await run(1);
  seed99 = await run(99);
}, 60_000);

describe('SARIF 2.1.0', () => {
  it('validates against the official schema, with a rule per oracle carrying its CWE, help and fix', () => {
    const log = toSarif([seed1, seed99]);
    const { valid, errors } = validator()(log);
    expect(valid, errors).toBe(true);
    const rules = log.runs[0]!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(builtinOracles.map((o) => o.id));
    const command = rules.find((r) => r.id === 'command-injection')!;
    expect(command.properties?.tags).toContain('CWE-78');
    expect(command.help?.markdown).toMatch(/\*\*Fix:\*\*/);
    expect(Number(command.properties?.['security-severity'])).toBeGreaterThanOrEqual(9);
  });

  it('a finding is located at the handler file and the line of the shell call', () => {
    const result = toSarif(seed1).runs[0]!.results!.find((r) => r.ruleId === 'command-injection')!;
    expect(result.level).toBe('error');
    const location = result.locations![0]!.physicalLocation!;
    expect(location.artifactLocation).toEqual({ uri: HANDLER, uriBaseId: '%SRCROOT%' });
    const line = readFileSync(HANDLER, 'utf8').split('\n')[location.region!.startLine! - 1]!;
    expect(line).toMatch(/await run\(`file --brief/);
  });

  it('fingerprints of the same bug are equal across seeds, and differ between bugs and targets', () => {
    const prints = (report: FuzzReport) => toSarif(report).runs[0]!.results!.filter((r) => r.ruleId === 'command-injection').map((r) => r.partialFingerprints![FINGERPRINT_KEY]);
    expect(prints(seed1)).toHaveLength(1);
    expect(prints(seed99)).toEqual(prints(seed1));
    expect(seed1.findings.find((f) => f.oracle === 'command-injection')!.signature).not.toMatch(/efz[a-z0-9]{12}/);
    expect(fingerprint('command-injection', 'a.mjs#handler', 'a.mjs:18:32|exec')).toBe(fingerprint('command-injection', 'a.mjs#handler', 'a.mjs:19:32|exec'));
    expect(fingerprint('command-injection', 'a.mjs#handler', 'a.mjs:18:32|exec')).not.toBe(fingerprint('command-injection', 'b.mjs#handler', 'a.mjs:18:32|exec'));
    expect(fingerprint('command-injection', 'a.mjs#handler', 'a.mjs:18:32|exec')).not.toBe(fingerprint('path-traversal', 'a.mjs#handler', 'a.mjs:18:32|exec'));
  });

  it('a remote target and an unknown oracle still validate', () => {
    const remote: FuzzReport = { ...seed1, target: { kind: 'lambda', ref: 'arn:aws:lambda:eu-west-1:123456789012:function:orders' }, findings: seed1.findings.map((f) => ({ ...f, oracle: 'from-the-future' })) };
    const log = toSarif(remote);
    expect(validator()(log).valid).toBe(true);
    expect(log.runs[0]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uri).not.toMatch(/:/);
    expect(log.runs[0]!.tool.driver.rules!.map((r) => r.id)).toContain('from-the-future');
  });
});
