import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, e2eFixture, jsonFilesUnder, readJson, runCli, tempDir } from './helpers.js';

afterAll(cleanTempDirs);

interface Run {
  readonly code: number;
  readonly report: Record<string, unknown>;
  readonly corpus: Map<string, string>;
  readonly output: string;
}

/** One `eventfuzz fuzz` of the vulnerable fixture, with its report and corpus in fresh temporary directories. */
async function fuzzOnce(seed: number): Promise<Run> {
  const dir = tempDir('efz-determinism-');
  const report = join(dir, 'report.json');
  const corpus = join(dir, 'corpus');
  // The isolated pool with two workers: invocations finish in any order, findings must not depend on it.
  const result = await runCli(['fuzz', e2eFixture('command-injection.mjs'), '--source', 'sqs', '--runs', '120', '--seed', String(seed), '--workers', '2', '--timeout', '2000', '--corpus', corpus, '--report', report]);
  return {
    code: result.code,
    report: readJson(report) as Record<string, unknown>,
    corpus: new Map(jsonFilesUnder(corpus).map((file) => [basename(file), readFileSync(file, 'utf8')])),
    output: result.stderr + result.stdout,
  };
}

/** Everything a finding says, except where it was stored. */
function comparable(report: Record<string, unknown>): unknown {
  const findings = report['findings'] as Record<string, unknown>[];
  return {
    seed: report['seed'],
    source: report['source'],
    target: report['target'],
    runs: (report['stats'] as Record<string, unknown>)['runs'],
    invocations: (report['stats'] as Record<string, unknown>)['invocations'],
    findings: findings.map(({ corpusFile: _corpusFile, replay: _replay, ...rest }) => rest),
  };
}

describe('determinism', () => {
  it('the same fuzz command with --seed 1 twice gives the same findings, events and corpus', async () => {
    const first = await fuzzOnce(1);
    const second = await fuzzOnce(1);
    expect(first.code, first.output).toBe(1);
    expect(second.code, second.output).toBe(1);
    const findings = first.report['findings'] as Record<string, unknown>[];
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      // The fields the comparison is about must be there, or the equality below proves little.
      expect(finding).toMatchObject({ oracle: expect.any(String), event: expect.any(Object), id: expect.any(String) });
      expect(finding).toHaveProperty('injectionPoint');
      expect(finding).toHaveProperty('field');
      expect(finding).toHaveProperty('payloadId');
    }
    expect(findings.some((f) => f['oracle'] === 'command-injection' && typeof f['payloadId'] === 'string')).toBe(true);
    expect(comparable(second.report)).toEqual(comparable(first.report));
    // The corpus entries are byte-identical too: same files, same contents (cases, canaries, seed, target).
    expect(first.corpus.size).toBe(findings.length);
    expect([...second.corpus.keys()]).toEqual([...first.corpus.keys()]);
    for (const [name, text] of first.corpus) expect(second.corpus.get(name), name).toBe(text);
  }, 60_000);

  it('a different seed generates different events', async () => {
    const one = await runCli(['generate', '--source', 'sqs', '--count', '5', '--seed', '1']);
    const again = await runCli(['generate', '--source', 'sqs', '--count', '5', '--seed', '1']);
    const two = await runCli(['generate', '--source', 'sqs', '--count', '5', '--seed', '2']);
    expect([one.code, again.code, two.code]).toEqual([0, 0, 0]);
    expect(again.stdout).toBe(one.stdout);
    const firstEvents = one.stdout.trim().split('\n');
    const otherEvents = two.stdout.trim().split('\n');
    expect(otherEvents).toHaveLength(5);
    // Not just a different order: no event of one seed appears in the other.
    for (const line of otherEvents) expect(firstEvents).not.toContain(line);
    const injected = await Promise.all([1, 2].map((seed) => runCli(['generate', '--source', 'sqs', '--inject', '--count', '5', '--seed', String(seed)])));
    expect(injected[0]!.stdout).not.toBe(injected[1]!.stdout);
  });
});
