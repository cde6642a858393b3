import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import type { FindingReplayOutcome, ReplayOutcome } from '../../../src/api/replay.js';
import { replay } from '../../../src/api/replay.js';

const isFinding = (o: ReplayOutcome): o is FindingReplayOutcome => o.kind === 'finding';

const example = (path: string): string => fileURLToPath(new URL(`../../../examples/${path}`, import.meta.url));
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'efz-replay-'));
  dirs.push(dir);
  return dir;
};

describe('replay', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('still reproduces a finding after lines moved in the handler (signatures carry line numbers)', async () => {
    const corpus = tempDir();
    const found = await fuzz({ handler: example('02-s3-command-injection/handler.mjs'), source: 's3', runs: 300, seed: 1, corpusDir: corpus, categories: ['command-injection'] });
    expect(found.findings.length).toBeGreaterThan(0);
    const moved = join(tempDir(), 'handler.mjs');
    writeFileSync(moved, `// a new first line\n\n${readFileSync(example('02-s3-command-injection/handler.mjs'), 'utf8')}`);
    const outcomes = await replay({ paths: [corpus], handler: `${moved}#handler`, runner: 'in-process' });
    expect(outcomes.map((o) => o.reproduces)).toEqual(found.findings.map(() => true));
    const fixed = await replay({ paths: [corpus], handler: `${example('02-s3-command-injection/safe.mjs')}#handler`, runner: 'in-process' });
    expect(fixed.map((o) => o.reproduces)).toEqual(found.findings.map(() => false));
  });

  it('keeps a command injection whose replay with allowExec shows the canary program run', async () => {
    const corpus = tempDir();
    const handler = example('01-sqs-command-injection/handler.ts');
    const found = await fuzz({ handler, source: 'sqs', runs: 300, seed: 1, corpusDir: corpus });
    const injection = found.findings.filter((f) => f.oracle === 'command-injection');
    expect(injection.map((f) => f.confidence)).toEqual(['confirmed']);
    // Blocked, a log payload's `EFZ-FORGED` line "runs" as well as any; only the canary program proves it on replay.
    expect(injection[0]!.payloadId).toMatch(/^ci-canary-/);
    const allowed = await replay({ paths: [injection[0]!.corpusFile!], handler: `${handler}#handler`, runner: 'in-process', allowExec: true });
    expect(allowed.map((o) => o.reproduces)).toEqual([true]);
    const [ran] = allowed.filter(isFinding);
    expect(ran!.ran).toMatch(new RegExp(`^canary program ran: efzcanary ${ran!.entry.case.canary}$`));
    const blocked = await replay({ paths: [injection[0]!.corpusFile!], handler: `${handler}#handler`, runner: 'in-process' });
    expect(blocked.filter(isFinding).map((o) => [o.reproduces, o.ran])).toEqual([[true, undefined]]);
  });

  it('replays entries written before findings were deduplicated across fields (oracle|point|signature)', async () => {
    const corpus = tempDir();
    const found = await fuzz({ handler: example('02-s3-command-injection/handler.mjs'), source: 's3', runs: 300, seed: 1, corpusDir: corpus, categories: ['command-injection'] });
    const file = found.findings[0]!.corpusFile!;
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { finding: { dedupeKey: string; injectionPoint: string } };
    const [oracle, ...signature] = entry.finding.dedupeKey.split('|');
    entry.finding.dedupeKey = [oracle, entry.finding.injectionPoint, ...signature].join('|');
    writeFileSync(file, JSON.stringify(entry));
    const outcomes = await replay({ paths: [file], handler: `${example('02-s3-command-injection/handler.mjs')}#handler`, runner: 'in-process' });
    expect(outcomes.map((o) => o.reproduces)).toEqual([true]);
  });

  it('replays a state leak in two invocations on one warm instance', async () => {
    const corpus = tempDir();
    const found = await fuzz({ handler: example('11-apigw-http-state-leak/handler.mjs'), source: 'apigw-http', runs: 200, seed: 1, corpusDir: corpus });
    expect(found.findings.map((f) => f.oracle)).toContain('state-leak');
    const outcomes = await replay({ paths: [corpus], handler: `${example('11-apigw-http-state-leak/handler.mjs')}#handler`, runner: 'in-process' });
    expect(outcomes.filter((o) => o.kind === 'finding' && o.entry.finding.oracle === 'state-leak').map((o) => o.reproduces)).toEqual([true]);
    const fixed = await replay({ paths: [corpus], handler: `${example('11-apigw-http-state-leak/safe.mjs')}#handler`, runner: 'in-process' });
    expect(fixed.filter((o) => o.kind === 'finding' && o.entry.finding.oracle === 'state-leak').map((o) => o.reproduces)).toEqual([false]);
  });

  it('rejects malformed entries clearly, and skips non-entries met while walking a directory', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'null.json'), 'null');
    await expect(replay({ paths: [join(dir, 'null.json')] })).rejects.toMatchObject({ code: 'EFZ_CORPUS_INVALID', message: expect.stringContaining('expected a JSON object') });
    writeFileSync(join(dir, 'partial.json'), JSON.stringify({ version: 1, case: {} }));
    await expect(replay({ paths: [join(dir, 'partial.json')] })).rejects.toMatchObject({ code: 'EFZ_CORPUS_INVALID' });
    const walked = tempDir();
    writeFileSync(join(walked, 'report.json'), JSON.stringify({ tool: { name: 'eventfuzz' }, findings: [] }));
    await expect(replay({ paths: [walked] })).rejects.toMatchObject({ code: 'EFZ_CORPUS_INVALID', message: expect.stringContaining('No corpus entries') });
  });

  it('never skips a damaged file met while walking: unparsable JSON and a broken entry are both named, and nothing is replayed', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sqs'));
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ tool: { name: 'eventfuzz' }, findings: [] }));
    writeFileSync(join(dir, 'sqs', 'command-injection-aaaa.json'), '{"version": 1, "finding": {"oracle": "command-inj');
    writeFileSync(join(dir, 'sqs', 'crash-bbbb.json'), JSON.stringify({ version: 1, seed: 1 }));
    const failure = replay({ paths: [dir] });
    await expect(failure).rejects.toMatchObject({ code: 'EFZ_CORPUS_INVALID' });
    const message = ((await failure.catch((error: unknown) => error)) as Error).message;
    expect(message).toMatch(/^2 corpus files are damaged/);
    expect(message).toMatch(/command-injection-aaaa\.json: not valid JSON/);
    expect(message).toMatch(/crash-bbbb\.json: not a valid eventfuzz corpus entry/);
    expect(message).not.toContain('report.json');
  });
});

describe('fuzz() budgets and failures', () => {
  const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/handlers/${name}`, import.meta.url));

  it.each([
    ['runs', { runs: Number.NaN }],
    ['runs', { runs: -5 }],
    ['durationMs', { durationMs: -1 }],
    ['timeoutMs', { timeoutMs: 0 }],
  ])('rejects a bad %s instead of running forever or not at all', async (_name, bad) => {
    await expect(fuzz({ handler: fixture('echo.mjs'), source: 'sqs', ...bad })).rejects.toMatchObject({ code: 'EFZ_USAGE' });
  });

  it('keeps shrinking within the duration budget', async () => {
    const started = performance.now();
    const report = await fuzz({ handler: fixture('hangs-on-payload.mjs'), source: 'sqs', timeoutMs: 100, durationMs: 1500, seed: 1 });
    expect(report.findings.map((f) => f.oracle)).toContain('timeout');
    // Without the cap one finding alone could shrink for 15 s (100 ms per candidate).
    expect(performance.now() - started).toBeLessThan(6_000);
  });

  it('reports what it found when the runner fails mid-run, with the failure', async () => {
    const marker = join(tempDir(), 'loaded');
    const report = await fuzz({ handler: fixture('loads-once.mjs'), source: 'sqs', runs: 500, seed: 1, runner: 'isolated', workers: 1, env: { EFZ_TEST_MARKER: marker } });
    expect(report.failure).toMatch(/may be loaded only once/);
    expect(report.interrupted).toBe(true);
    expect(report.findings.length).toBeGreaterThan(0);
  });
});
