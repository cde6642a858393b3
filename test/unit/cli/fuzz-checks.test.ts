import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, e2eFixture, messageLines, runCli, tempDir } from '../../e2e/helpers.js';

afterAll(cleanTempDirs);

const SAFE = e2eFixture('safe.mjs');
const STARTED = /eventfuzz: fuzzing /;

/** Exit 2 with one line, no stack and no campaign started. */
function expectRefusedBeforeStart(result: { code: number; stdout: string; stderr: string }, names: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).not.toMatch(STARTED);
  expect(result.stderr).not.toMatch(/internal error|    at /);
  const lines = messageLines(result.stderr);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(names);
}

describe('eventfuzz fuzz: output paths are checked before the campaign', () => {
  it('--report under a file', async () => {
    const dir = tempDir('efz-cli-');
    writeFileSync(join(dir, 'file'), '');
    const result = await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', '5', '--in-process', '--corpus', join(dir, 'corpus'), '--report', join(dir, 'file', 'out.json')]);
    expectRefusedBeforeStart(result, /^eventfuzz: Cannot write report ".*out\.json": .*not a directory/);
  });

  it('--report naming a directory', async () => {
    const dir = tempDir('efz-cli-');
    mkdirSync(join(dir, 'out.json'));
    const result = await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', '5', '--in-process', '--corpus', join(dir, 'corpus'), '--report', join(dir, 'out.json')]);
    expectRefusedBeforeStart(result, /^eventfuzz: Cannot write report ".*out\.json": it is a directory/);
  });

  it('--corpus naming a file', async () => {
    const dir = tempDir('efz-cli-');
    writeFileSync(join(dir, 'corpus'), '');
    const result = await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', '5', '--in-process', '--corpus', join(dir, 'corpus')]);
    expectRefusedBeforeStart(result, /^eventfuzz: Cannot use --corpus ".*corpus": .*corpus is not a directory/);
  });

  it('--corpus under /proc', async () => {
    const result = await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', '5', '--in-process', '--corpus', '/proc/efz-nope/corpus']);
    expectRefusedBeforeStart(result, /^eventfuzz: Cannot use --corpus "\/proc\/efz-nope\/corpus": /);
  });

  it('a report that cannot be written after the run: the summary is still printed, then one line and exit 2', async () => {
    const dir = tempDir('efz-cli-');
    const report = join(dir, 'out.json');
    // The handler turns the report path into a directory while the campaign runs (it passed the up-front check).
    const handler = join(dir, 'spoils-report.mjs');
    writeFileSync(handler, `import { mkdirSync } from 'node:fs';\nexport const handler = async () => { mkdirSync(process.env.REPORT_PATH, { recursive: true }); return { ok: true }; };\n`);
    const result = await runCli(['fuzz', handler, '--source', 'sqs', '--runs', '5', '--seed', '1', '--in-process', '--env', `REPORT_PATH=${report}`, '--corpus', join(dir, 'corpus'), '--report', report]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toMatch(/5 runs/);
    expect(result.stderr).toMatch(/^eventfuzz: Cannot write report ".*out\.json": it is a directory\.$/m);
    expect(result.stderr).not.toMatch(/internal error|    at /);
  });
});

describe('eventfuzz fuzz: wording', () => {
  it('--help states the real --workers default', async () => {
    const result = await runCli(['fuzz', '--help']);
    expect(result.stdout.replace(/\s+/g, ' ')).toMatch(/--workers <n> +warm instances the isolated runner starts with \(default: the number of cores, at most 4\)/);
    expect(result.stdout.replace(/\s+/g, ' ')).toMatch(/--isolation <realm> .*\(choices: "process", "thread", default: "process"\)/);
  });

  it('"1 child process", "2 worker threads": the start line names the realm and counts it right', async () => {
    const dir = tempDir('efz-cli-');
    const result = await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', '3', '--seed', '2', '--workers', '1', '--corpus', join(dir, 'corpus')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\(isolated, 1 child process\)$/m);
    const threads = await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', '3', '--seed', '2', '--workers', '2', '--isolation', 'thread', '--corpus', join(dir, 'corpus')]);
    expect(threads.code, threads.stderr).toBe(0);
    expect(threads.stderr).toMatch(/\(isolated, 2 worker threads\)$/m);
  });

  it('--isolation other is a usage error: exit 2, one line naming the choices', async () => {
    const result = await runCli(['fuzz', SAFE, '--source', 'sqs', '--isolation', 'vm']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--isolation.*process, thread/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a --sample of another source than --source before anything runs; without --source it is detected', async () => {
    const dir = tempDir('efz-cli-');
    const sample = join(dir, 's3.json');
    writeFileSync(sample, JSON.stringify(s3Event()));
    const result = await runCli(['fuzz', SAFE, '--source', 'sqs', '--sample', sample, '--runs', '3', '--seed', '2', '--in-process', '--corpus', join(dir, 'corpus')]);
    expect(result.code).toBe(2);
    expect(messageLines(result.stderr)).toEqual([`eventfuzz: --sample ${sample} is a s3 event, not sqs: give a sqs sample, or leave out --source and eventfuzz fuzzes it as s3.`]);
    const detected = await runCli(['fuzz', SAFE, '--sample', sample, '--runs', '3', '--seed', '2', '--in-process', '--corpus', join(dir, 'corpus')]);
    expect(detected.code, detected.stderr).toBe(0);
  });
});

describe('eventfuzz generate: --source and --sample', () => {
  it('refuses a mismatching sample, not matching or custom ones', async () => {
    const dir = tempDir('efz-cli-');
    const s3 = join(dir, 's3.json');
    const custom = join(dir, 'custom.json');
    writeFileSync(s3, JSON.stringify(s3Event()));
    writeFileSync(custom, JSON.stringify({ orderId: '42', note: 'hello' }));
    const mismatch = await runCli(['generate', '--source', 'sqs', '--sample', s3, '--count', '2', '--seed', '1']);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stdout).toBe('');
    expect(mismatch.stderr).toBe(`eventfuzz: --sample ${s3} is a s3 event, not sqs: give a sqs sample, or leave out --source and eventfuzz fuzzes it as s3.\n`);
    const same = await runCli(['generate', '--source', 's3', '--sample', s3, '--count', '2', '--seed', '1']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toBe('');
    const customRun = await runCli(['generate', '--source', 'sqs', '--sample', custom, '--count', '2', '--seed', '1']);
    expect(customRun.code, customRun.stderr).toBe(0);
  });

  it('an unknown --inject category is reported as a category, like fuzz --category and payloads --category', async () => {
    for (const argv of [
      ['generate', '--source', 'sqs', '--inject', 'nope', '--count', '1', '--seed', '1'],
      ['payloads', '--category', 'nope'],
    ]) {
      const result = await runCli(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^eventfuzz: Unknown payload category "nope"\. Known categories: .*command-injection/);
      expect(result.stderr).not.toMatch(/famil/);
    }
  });
});

function s3Event(): unknown {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-1',
        eventTime: '2024-01-01T00:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:EXAMPLE' },
        requestParameters: { sourceIPAddress: '203.0.113.9' },
        responseElements: { 'x-amz-request-id': 'EXAMPLE', 'x-amz-id-2': 'EXAMPLE' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'uploads',
          bucket: { name: 'orders', ownerIdentity: { principalId: 'EXAMPLE' }, arn: 'arn:aws:s3:::orders' },
          object: { key: 'incoming/order+1.json', size: 120, eTag: '0123456789abcdef0123456789abcdef', sequencer: '0A1B2C3D4E5F678901' },
        },
      },
    ],
  };
}
