import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { isHarnessError } from '../../../src/core/index.js';
import type { InvokeApiServer } from '../../support/invoke-api-server.js';
import { startInvokeApiServer } from '../../support/invoke-api-server.js';
import { fixture, isolateAws } from './lambda-helpers.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cleanTempDirs, jsonFilesUnder, readJson, runCli, tempDir } from '../../e2e/helpers.js';

/*
 * Issue 9 end to end: `fuzz({ function })` (the CLI's --function) against a real Invoke API on 127.0.0.1 that runs
 * the handler files in child processes. Execution is confirmed only by the evaluated marker coming back in the
 * log tail; the caps hold on the server's own count; a production-looking name and a run above --max-cost are
 * refused before anything is sent, after the cost line.
 */
const DB_PASSWORD = 'efz-remote-db-pass-7f3k2q9x';
let server: InvokeApiServer;
let restoreAws: () => void;

beforeAll(async () => {
  restoreAws = isolateAws({ EFZ_TEST_DB_PASSWORD: DB_PASSWORD });
  server = await startInvokeApiServer({
    functions: {
      'orders-staging': { file: fixture('sqs-shell.mjs'), timeoutS: 3, memoryMb: 256 },
      'orders-reflect-staging': { file: fixture('sqs-reflect.mjs'), timeoutS: 3, memoryMb: 256 },
      'billing-staging': { file: fixture('logs-secret.mjs'), timeoutS: 3, memoryMb: 1024, environment: { DB_PASSWORD, STAGE: 'staging' } },
      'orders-prod': { file: fixture('sqs-reflect.mjs') },
    },
  });
});
afterAll(async () => {
  cleanTempDirs();
  await server?.close();
  restoreAws?.();
});

const remote = (functionName: string, extra: Parameters<typeof fuzz>[0] = {}) =>
  fuzz({ function: functionName, endpoint: server.url, source: 'sqs', seed: 5, rate: 500, concurrency: 4, categories: ['command-injection'], ...extra });

describe('fuzz --function against a local Invoke API', () => {
  it('confirms a command injection by the shell-computed marker in the log tail, and prints the worst-case cost first', async () => {
    const notices: { line: string; invocations: number }[] = [];
    const report = await remote('orders-staging', { runs: 60, listener: { onNotice: (line) => notices.push({ line, invocations: server.invocations('orders-staging') }) } });
    expect(notices[0]?.line).toMatch(/worst case: 500 invocations × 256 MB × 3 s ≈ \$/);
    expect(notices[0]?.invocations).toBe(0);
    expect(report.target).toEqual({ kind: 'lambda', ref: 'orders-staging' });
    const injection = report.findings.find((f) => f.oracle === 'command-injection');
    expect(injection, report.findings.map((f) => f.title).join('\n')).toBeDefined();
    expect(injection!.confidence).toBe('confirmed');
    expect(injection!.injectionPoint).toMatch(/^Records\[(\*|\d+)\]\.body/);
  }, 60_000);

  it('the reflecting twin: payload text in the log is no execution', async () => {
    const report = await remote('orders-reflect-staging', { runs: 60 });
    expect(report.findings.map((f) => f.oracle)).not.toContain('command-injection');
  }, 60_000);

  it('finds a secret from --secret-env in the log tail, and one learned from the function configuration', async () => {
    for (const options of [{ secretEnv: ['EFZ_TEST_DB_PASSWORD'] }, { learnSecrets: true }]) {
      const report = await remote('billing-staging', { runs: 5, categories: ['boundary'], ...options });
      // The function logs it on every invocation, unmodified events included: the baseline reports it.
      const leak = report.baseline.problems.find((p) => p.oracle === 'secret-leak');
      expect(leak, JSON.stringify(options)).toBeDefined();
      expect(JSON.stringify(report)).not.toContain(DB_PASSWORD);
    }
    // Unwatched, the same line is no finding: eventfuzz cannot know that value is a secret.
    const unwatched = await remote('billing-staging', { runs: 5, categories: ['boundary'] });
    expect([...unwatched.baseline.problems, ...unwatched.findings].map((f) => f.oracle)).not.toContain('secret-leak');
  }, 60_000);

  it('keeps to --max-invocations on the server side and stops cleanly with what it found', async () => {
    const before = server.invocations('orders-staging');
    const report = await remote('orders-staging', { runs: 1000, maxInvocations: 25 });
    expect(server.invocations('orders-staging') - before).toBeLessThanOrEqual(25);
    expect(server.maxInFlight('orders-staging')).toBeLessThanOrEqual(4);
    expect(report.stats.runs).toBeLessThan(1000);
  }, 60_000);

  it('refuses a production-looking function before any request, unless --allow-production', async () => {
    const seen = server.requests.length;
    const error = await remote('orders-prod', { runs: 3 }).catch((e: unknown) => e);
    expect(isHarnessError(error) && error.code).toBe('EFZ_USAGE');
    expect(String((error as Error).message)).toMatch(/looks like production.*--allow-production/);
    expect(server.requests.length).toBe(seen);
    const allowed = await remote('orders-prod', { runs: 3, allowProduction: true });
    expect(allowed.stats.runs).toBe(3);
  }, 60_000);

  it('refuses a run whose worst case is above --max-cost, after reading the configuration only', async () => {
    const before = server.invocations('billing-staging');
    const error = await remote('billing-staging', { runs: 3, maxCost: 0.0001 }).catch((e: unknown) => e);
    expect(isHarnessError(error) && error.code).toBe('EFZ_USAGE');
    expect(String((error as Error).message)).toMatch(/--max-cost/);
    expect(server.invocations('billing-staging')).toBe(before);
  }, 60_000);

  it('the CLI: eventfuzz fuzz --function prints the cost and the caps, exits 1 on a finding, and writes a lambda report', async () => {
    const dir = tempDir('efz-remote-cli-');
    const report = join(dir, 'report.json');
    const argv = ['fuzz', '--function', 'orders-staging', '--endpoint', server.url, '--source', 'sqs', '--runs', '60', '--seed', '5', '--rate', '500', '--category', 'command-injection'];
    const result = await runCli([...argv, '--report', report, '--corpus', join(dir, 'corpus')]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^eventfuzz: fuzzing Lambda function orders-staging with seed 5 \(remote: at most 500 invocations, 500\/s, 4 in flight\)$/m);
    expect(result.stderr).toMatch(/^eventfuzz: worst case: 500 invocations × 256 MB × 3 s/m);
    expect((readJson(report) as { target: unknown }).target).toEqual({ kind: 'lambda', ref: 'orders-staging' });

    // The corpus replays against the deployed function it was found on: it still reproduces (exit 1) ...
    const corpus = join(dir, 'corpus');
    const again = await runCli(['replay', corpus, '--endpoint', server.url, '--rate', '500']);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toMatch(/REPRODUCES {2}command-injection at Records/);
    // ... and the same entry pointed at the fixed twin does not (exit 0).
    const files = jsonFilesUnder(corpus).filter((file) => file.includes('command-injection'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const entry = readJson(file) as { target: { ref: string } };
      writeFileSync(file, JSON.stringify({ ...entry, target: { ...entry.target, ref: 'orders-reflect-staging' } }));
    }
    const fixed = await runCli(['replay', ...files, '--endpoint', server.url, '--rate', '500']);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/^fixed +command-injection at Records/m);
  }, 60_000);

  it.each([
    [['fuzz', 'handler.mjs', '--function', 'orders-staging', '--source', 'sqs'], /either a local handler .* or --function/],
    [['fuzz', '--function', 'orders-staging', '--source', 'sqs', '--env', 'A=1', '--in-process'], /--in-process, --env applies to local handlers only/],
    [['fuzz', '--function', 'orders-staging', '--source', 'sqs', '--rate', '0'], /--rate.*expected a number > 0/],
    [['fuzz', '--function', 'orders-staging', '--source', 'sqs', '--secret-env', 'EFZ_NOT_SET_ANYWHERE'], /--secret-env EFZ_NOT_SET_ANYWHERE: no such variable/],
  ])('a usage error: exit 2, one message, no stack (%j)', async (argv, message) => {
    const result = await runCli([...argv, '--endpoint', server.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
