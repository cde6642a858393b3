import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, e2eFixture, runCli, tempDir } from './helpers.js';

afterAll(cleanTempDirs);

describe('eventfuzz without a command', () => {
  it('exits 2 with the help on stderr: a script that forgot the command must not pass', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Usage: eventfuzz \[options\] \[command\]/);
    expect(result.stderr).toMatch(/fuzz \[options\] \[handler\]/);
  });

  it('help and --help still exit 0', async () => {
    expect((await runCli(['help'])).code).toBe(0);
    expect((await runCli(['--help'])).code).toBe(0);
    expect((await runCli(['help', 'fuzz'])).code).toBe(0);
  });
});

describe('eventfuzz payloads', () => {
  it('shortens long templates in the table with the length left out; --json prints them whole', async () => {
    const table = await runCli(['payloads']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(160);
    const pump = lines.find((line) => line.includes('boundary-long-256k'));
    expect(pump).toMatch(/"A+… \(\+[\d,]+ chars\)$/);
    const json = await runCli(['payloads', '--json']);
    const full = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; template: string }).find((p) => p.id === 'boundary-long-256k');
    expect(full?.template.length).toBeGreaterThanOrEqual(256 * 1024);
    const shownAndLeftOut = /"(A+)… \(\+([\d,]+) chars\)$/.exec(pump!)!;
    expect(shownAndLeftOut[1]!.length + 1 + Number(shownAndLeftOut[2]!.replaceAll(',', ''))).toBe(JSON.stringify(full!.template).length);
  });
});

describe('eventfuzz generate --inject', () => {
  it('says on stderr, line for line, which field and payload each event carries; stdout stays NDJSON', async () => {
    const result = await runCli(['generate', '--source', 'sqs', '--count', '5', '--seed', '3', '--inject', 'command-injection']);
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { Records: unknown[] });
    expect(events).toHaveLength(5);
    const notes = result.stderr.trim().split('\n');
    expect(notes).toHaveLength(5);
    notes.forEach((note, index) => expect(note).toMatch(new RegExp(`^eventfuzz: event ${index + 1}: Records\\[\\d+\\]\\S* <- ci-[\\w-]+ \\(command-injection, [\\w-]+\\)$`)));
    // the field named is one the event really has: its record index exists
    notes.forEach((note, index) => expect(Number(/Records\[(\d+)\]/.exec(note)![1])).toBeLessThan(events[index]!.Records.length));
  });

  it('without --inject prints nothing on stderr beyond the seed', async () => {
    const result = await runCli(['generate', '--source', 'sqs', '--count', '3', '--seed', '3']);
    expect(result.stderr).toBe('');
  });
});

describe('one error prefix', () => {
  it.each([
    [['fuzz', '--nope'], "eventfuzz: unknown option '--nope'"],
    [['frob'], "eventfuzz: unknown command 'frob'"],
    [['fuzz', 'x.mjs', '--runs', 'abc'], /^eventfuzz: option '--runs <n>' argument 'abc' is invalid/],
    [['generate'], /^eventfuzz: Missing --source/],
  ] as const)('%j: the message starts with "eventfuzz: " like every other', async (argv, first) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    const line = result.stderr.split('\n')[0]!;
    if (typeof first === 'string') expect(line).toBe(first);
    else expect(line).toMatch(first);
  });
});

describe('eventfuzz fuzz --ndjson', () => {
  it('stdout is JSON lines only: the baseline, each finding as it is found, the report last; the log stays on stderr', async () => {
    const dir = tempDir();
    const result = await runCli(['fuzz', e2eFixture('command-injection.mjs'), '--source', 'sqs', '--runs', '150', '--seed', '1', '--in-process', '--corpus', join(dir, 'corpus'), '--ndjson']);
    expect(result.code, result.stderr).toBe(1);
    const records = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; stage?: string; finding?: { oracle: string; id: string }; report?: { findings: { id: string }[] } });
    expect(records[0]!.type).toBe('baseline');
    const last = records.at(-1)!;
    expect(last.type).toBe('report');
    expect(records.filter((r) => r.type === 'report')).toHaveLength(1);
    const found = records.filter((r) => r.type === 'finding' && r.stage === 'found');
    expect(found.map((r) => r.finding!.oracle)).toContain('command-injection');
    // every reported finding was announced in the stream before the end
    for (const finding of last.report!.findings) expect(found.map((r) => r.finding!.id)).toContain(finding.id);
    expect(result.stdout).not.toMatch(/finding: exit 1|^\d+\. \[/m);
    expect(result.stderr).toMatch(/ {2}found {2}\[CRITICAL\] command-injection/);
  });
});

describe('a report that cannot be written', () => {
  it('is found before the campaign when the name is too long with the temporary suffix, not after it', async () => {
    const dir = tempDir();
    const result = await runCli(['fuzz', e2eFixture('safe.mjs'), '--source', 'sqs', '--runs', '5', '--in-process', '--corpus', join(dir, 'c'), '--report', join(dir, `${'r'.repeat(245)}.json`)]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/fuzzing/); // refused before the run started
    expect(result.stderr).toMatch(/Cannot write report ".*r{245}\.json": ENAMETOOLONG/);
    expect(result.stderr).not.toMatch(/\.tmp/);
  });

  it('after the campaign (its directory became a file) is said, the other report is written, and findings keep exit 1', async () => {
    const dir = tempDir();
    const doomed = join(dir, 'doomed');
    const result = await runCli(['fuzz', e2eFixture('sabotages-report-dir.mjs'), '--source', 'sqs', '--runs', '5', '--seed', '1', '--in-process', '--corpus', join(dir, 'c'),
      '--env', `EFZ_TEST_REPORT_DIR=${doomed}`, '--report', join(doomed, 'a.json'), '--report', join(dir, 'b.json')]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/eventfuzz: Cannot write report ".*doomed\/a\.json": /);
    expect(result.stderr).not.toMatch(/\.tmp|\n\s+at /);
    expect(result.stderr).toContain(`eventfuzz: report written to ${join(dir, 'b.json')}`);
  });
});

describe('--report in three formats at once', () => {
  it('writes SARIF, JUnit and JSON by extension; an unknown extension is refused before the run, listing the formats', async () => {
    const dir = tempDir();
    const files = ['a.sarif', 'b.xml', 'c.json'].map((name) => join(dir, name));
    const result = await runCli(['fuzz', e2eFixture('command-injection.mjs'), '--source', 'sqs', '--runs', '150', '--seed', '1', '--in-process', '--corpus', join(dir, 'corpus'), ...files.flatMap((f) => ['--report', f])]);
    expect(result.code, result.stderr).toBe(1);
    const sarif = JSON.parse(readFileSync(files[0]!, 'utf8')) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('command-injection');
    expect(readFileSync(files[1]!, 'utf8')).toMatch(/<testcase classname="[^"]+" name="command-injection" time="0">\n\s+<failure /);
    expect((JSON.parse(readFileSync(files[2]!, 'utf8')) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    const unknown = await runCli(['fuzz', e2eFixture('safe.mjs'), '--source', 'sqs', '--runs', '5', '--in-process', '--corpus', join(dir, 'c2'), '--report', join(dir, 'r.html')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/r\.html": the format is chosen by extension: \.json \(JSON\), \.sarif or \.sarif\.json \(SARIF 2\.1\.0\), \.xml \(JUnit XML\)/);
    expect(unknown.stderr).not.toMatch(/fuzzing/);
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });
});

describe('--duration', () => {
  // Every payload hangs for good and the per-invocation timeout is a minute: a run that waited for what it had
  // in flight would outlast this test's own timeout. At the deadline the hangs are given up on, and said.
  it('ends the run at its deadline, with hangs still in flight, and says they were stopped without a verdict', async () => {
    const result = await runCli(['fuzz', e2eFixture('hangs-on-canary.mjs'), '--source', 'sqs', '--seed', '1', '--duration', '1', '--timeout', '60000', '--workers', '2']);
    expect(result.stderr).toMatch(/the time budget ended: \d+ invocations? (was|were) still running/);
    expect(result.code).toBe(0);
  }, 20_000);
});
