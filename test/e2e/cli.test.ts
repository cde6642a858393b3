import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { cleanTempDirs, e2eFixture, messageLines, readJson, ROOT, runCli, tempDir } from './helpers.js';

const SAFE = e2eFixture('safe.mjs');
const VULNERABLE = e2eFixture('command-injection.mjs');
const CANARY = /efz[a-z0-9]{12}/;
const STACK_FRAME = '    at ';
const ANSI_OR_CR = /[\r\u001b]/;

afterAll(cleanTempDirs);

/** Exit 2 with one line naming the problem (plus commander's usage hint), nothing on stdout, and no stack trace. */
function expectUsageError(result: { code: number; stdout: string; stderr: string }, names: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).not.toContain(STACK_FRAME);
  expect(result.stderr).not.toMatch(/internal error/i);
  const lines = messageLines(result.stderr);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(names);
}

describe('eventfuzz CLI: help and version', () => {
  it('--help lists the commands and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: eventfuzz/);
    for (const command of ['fuzz', 'replay', 'generate', 'payloads']) expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(result.stderr).toBe('');
  });

  it('fuzz --help documents the contract options and exits 0', async () => {
    const result = await runCli(['fuzz', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--source', '--runs', '--seed', '--timeout', '--corpus', '--report', '--in-process', '--workers', '--category']) expect(result.stdout).toContain(option);
  });

  it('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
    expect(VERSION).toBe(pkg.version);
  });
});

describe('eventfuzz fuzz: usage and target errors exit 2 with one clear line', () => {
  it('no handler', async () => {
    expectUsageError(await runCli(['fuzz', '--source', 'sqs']), /handler/i);
  });

  it('an unknown --source, naming it and listing the valid ones', async () => {
    const result = await runCli(['fuzz', SAFE, '--source', 'kinesis']);
    expectUsageError(result, /kinesis/);
    expect(result.stderr).toMatch(/sqs/);
    expect(result.stderr).toMatch(/apigw-rest/);
  });

  it('an unknown --category, naming it and listing the valid ones', async () => {
    const result = await runCli(['fuzz', SAFE, '--source', 'sqs', '--category', 'nope', '--runs', '5', '--in-process']);
    expectUsageError(result, /"?nope"?/);
    expect(result.stderr).toMatch(/command-injection/);
  });

  it('--runs abc', async () => {
    expectUsageError(await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', 'abc']), /--runs.*abc|abc.*--runs/);
  });

  it('a handler file that does not exist, naming the file', async () => {
    const result = await runCli(['fuzz', 'test/fixtures/e2e/no-such-handler.mjs', '--source', 'sqs', '--runs', '5']);
    expectUsageError(result, /no-such-handler\.mjs/);
    expect(result.stderr).toMatch(/not found/i);
  });

  it('a missing export, listing the exports that exist', async () => {
    const result = await runCli(['fuzz', `${e2eFixture('wrong-export.mjs')}#handler`, '--source', 'sqs', '--runs', '5']);
    expectUsageError(result, /no export "handler"/);
    expect(result.stderr).toContain('processOrders');
    expect(result.stderr).toContain('helper');
  });

  it("a handler with a syntax error: the handler's error and location, not eventfuzz's stack", async () => {
    const result = await runCli(['fuzz', e2eFixture('syntax-error.mjs'), '--source', 'sqs', '--runs', '5']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^eventfuzz: /);
    expect(result.stderr).toContain('SyntaxError');
    expect(result.stderr).toContain('syntax-error.mjs');
    expect(result.stderr).not.toMatch(/internal error/i);
    // At most the handler's own location; nothing from eventfuzz, node internals or the loader.
    expect(result.stderr).not.toMatch(/[/\\]src[/\\](cli|api|engine|runners|core|corpus)[/\\]/);
    expect(result.stderr).not.toMatch(/node:internal|node_modules/);
    for (const line of result.stderr.split('\n').filter((l) => l.startsWith(STACK_FRAME))) expect(line).toContain('syntax-error.mjs');
  });
});

describe('eventfuzz generate', () => {
  it('prints --count NDJSON events, byte-identical for the same seed and different for another', async () => {
    const first = await runCli(['generate', '--source', 'sqs', '--count', '5', '--seed', '7']);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.split('\n');
    expect(lines.pop()).toBe(''); // newline-terminated
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      const event = JSON.parse(line) as { Records?: unknown[] };
      expect(Array.isArray(event.Records)).toBe(true);
      expect(event.Records!.length).toBeGreaterThan(0);
    }
    const again = await runCli(['generate', '--source', 'sqs', '--count', '5', '--seed', '7']);
    expect(again.stdout).toBe(first.stdout);
    const other = await runCli(['generate', '--source', 'sqs', '--count', '5', '--seed', '8']);
    expect(other.code).toBe(0);
    expect(other.stdout.split('\n')).toHaveLength(6);
    expect(other.stdout).not.toBe(first.stdout);
  });

  it('--inject command-injection: every event carries a payload whose canary survives decoding', async () => {
    const result = await runCli(['generate', '--source', 'sqs', '--inject', 'command-injection', '--count', '20', '--seed', '1']);
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(events).toHaveLength(20);
    const payloads = commandInjectionPayloads();
    for (const event of events) {
      // What a handler sees after decoding: JSON bodies (and SNS messages inside them) parsed, S3 keys URL-decoded.
      const carried = decodedStrings(event).filter((text) => payloads.some((payload) => payload.test(text)));
      expect(carried, `no intact command-injection payload in ${JSON.stringify(event).slice(0, 400)}`).not.toHaveLength(0);
    }
    // Each event has its own canary.
    const canaries = events.map((event) => CANARY.exec(JSON.stringify(event))?.[0]);
    expect(new Set(canaries).size).toBe(20);
  });

  it('--sample with malformed JSON exits 2 naming the file', async () => {
    const result = await runCli(['generate', '--sample', e2eFixture('malformed-sample.json'), '--count', '2', '--seed', '1']);
    expectUsageError(result, /malformed-sample\.json/);
    expect(result.stderr).toMatch(/JSON/);
    expect(result.stdout).toBe('');
  });
});

describe('eventfuzz payloads', () => {
  it('lists the corpus by category', async () => {
    const result = await runCli(['payloads', '--category', 'command-injection']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('ci-semicolon');
  });

  it('--category nope exits 2 listing the categories', async () => {
    const result = await runCli(['payloads', '--category', 'nope']);
    expectUsageError(result, /nope/);
    expect(result.stderr).toMatch(/command-injection/);
    expect(result.stderr).toMatch(/path-traversal/);
  });
});

describe('eventfuzz fuzz on local handlers', () => {
  it('a vulnerable handler: exit 1, findings announced as plain lines, and a --report in the DESIGN.md shape', async () => {
    const dir = tempDir();
    const report = join(dir, 'out.json');
    const result = await runCli(['fuzz', VULNERABLE, '--source', 'sqs', '--runs', '150', '--seed', '11', '--workers', '2', '--timeout', '2000', '--corpus', join(dir, 'corpus'), '--report', report]);
    expect(result.code, result.stderr + result.stdout).toBe(1);

    // Not a terminal: no carriage returns or escape sequences, just lines.
    expect(result.stderr).not.toMatch(ANSI_OR_CR);
    expect(result.stdout).not.toMatch(ANSI_OR_CR);
    expect(result.stderr).toMatch(/^eventfuzz: fuzzing .*command-injection\.mjs with seed 11 \(isolated, 2 child processes\)$/m);
    expect(result.stderr).toMatch(/^ {2}found {2}\[(CRITICAL|HIGH)\] command-injection /m);
    expect(result.stderr).toContain(`report written to ${report}`);
    expect(result.stdout).toMatch(/150 runs, \d+ invocations in/);
    expect(result.stdout).toMatch(/\d+ findings?:/);
    expect(result.stdout).toContain('Repeat this run with --seed 11.');

    const json = readJson(report) as Record<string, unknown>;
    expect(json).toMatchObject({
      tool: { name: 'eventfuzz', version: VERSION },
      target: { kind: 'local', ref: `${VULNERABLE}#handler` },
      source: 'sqs',
      seed: 11,
      interrupted: false,
      stats: { runs: 150 },
    });
    const stats = json['stats'] as Record<string, unknown>;
    expect(stats['durationMs']).toEqual(expect.any(Number));
    expect(stats['execsPerSecond']).toEqual(expect.any(Number));
    expect(stats['execsPerSecond'] as number).toBeGreaterThan(0);
    const findings = json['findings'] as Record<string, unknown>[];
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      expect(finding).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f]{12}$/),
        oracle: expect.any(String),
        confidence: expect.stringMatching(/^(confirmed|tainted)$/),
        severity: expect.stringMatching(/^(critical|high|medium|low)$/),
        title: expect.any(String),
        evidence: expect.any(String),
        event: expect.objectContaining({ Records: expect.any(Array) }),
        corpusFile: expect.stringMatching(/\.json$/),
        replay: expect.stringMatching(/^(npx )?eventfuzz replay /),
      });
      expect(finding).toHaveProperty('injectionPoint');
      expect(finding).toHaveProperty('payloadId');
      expect(readJson(join(dir, 'corpus', 'sqs', `${finding['oracle'] as string}-${finding['id'] as string}.json`))).toMatchObject({ version: 1, id: finding['id'] });
    }
    const injection = findings.find((f) => f['oracle'] === 'command-injection');
    expect(injection).toMatchObject({
      severity: expect.stringMatching(/^(critical|high)$/),
      injectionPoint: expect.stringMatching(/^Records\[\*\]\.body/),
      payloadId: expect.any(String),
      evidence: expect.stringMatching(CANARY),
    });
    // The stored event is the one that shows the bug: its body carries the canary the evidence names.
    const canary = CANARY.exec(injection!['evidence'] as string)![0];
    expect(JSON.stringify(injection!['event'])).toContain(canary);
  });

  it('a safe handler: exit 0 and "No findings"', async () => {
    const dir = tempDir();
    const result = await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', '100', '--seed', '4', '--in-process', '--corpus', join(dir, 'corpus')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('No findings.');
    expect(result.stdout).toMatch(/100 runs/);
    expect(result.stderr).not.toMatch(ANSI_OR_CR);
    expect(result.stderr).not.toMatch(/found/);
    // The same run on a terminal rewrites one live progress line: the plain output above is a choice, not an accident.
    const onTerminal = await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', '100', '--seed', '4', '--in-process', '--corpus', join(dir, 'corpus')], { interactive: true });
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stderr).toMatch(/\r\u001b\[2K/);
    expect(onTerminal.stdout).toContain('No findings.');
  });

  it('an unknown report format is refused before the run starts', async () => {
    const dir = tempDir();
    expectUsageError(await runCli(['fuzz', SAFE, '--source', 'sqs', '--runs', '5', '--report', join(dir, 'out.txt')]), /out\.txt/);
  });
});

/** The command-injection payload templates as patterns: the whole rendered payload, with one canary throughout. */
function commandInjectionPayloads(): RegExp[] {
  const file = JSON.parse(readFileSync(new URL('../../payloads/command-injection.json', import.meta.url), 'utf8')) as { payloads: { template: string }[] };
  expect(file.payloads.length).toBeGreaterThan(0);
  return file.payloads.map((payload) => {
    // The per-case marker operands ({{a}}, {{b}}) become any four-digit number.
    const parts = payload.template.split('{{token}}').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{\\\{[ab]\\\}\\\}/g, '\\d{4}'));
    const withCanary = parts.reduce((pattern, part, index) => (index === 0 ? part : index === 1 ? `${pattern}(efz[a-z0-9]{12})${part}` : `${pattern}\\1${part}`), '');
    return new RegExp(withCanary);
  });
}

/**
 * The strings a consumer ends up with after decoding: a JSON document inside a string (SQS body, SNS Message) is
 * parsed and only its leaves count, an S3 object key is URL-decoded (`+` is a space), anything else is as is.
 */
function decodedStrings(value: unknown, path: readonly string[] = [], out: string[] = []): string[] {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return decodedStrings(JSON.parse(trimmed) as unknown, path, out);
      } catch {
        // not JSON: plain text
      }
    }
    out.push(path.at(-1) === 'key' && path.at(-2) === 'object' ? decodeURIComponent(value.replace(/\+/g, ' ')) : value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => decodedStrings(item, [...path, String(index)], out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) decodedStrings(item, [...path, key], out);
  }
  return out;
}

// Keeps the fixture list honest: a missing fixture would make the error tests pass for the wrong reason.
it('fixtures exist', () => {
  for (const name of ['safe.mjs', 'command-injection.mjs', 'wrong-export.mjs', 'syntax-error.mjs', 'malformed-sample.json']) {
    expect(() => readFileSync(join(ROOT, e2eFixture(name)))).not.toThrow();
  }
});
