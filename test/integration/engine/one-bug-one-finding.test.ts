import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventSources } from '../../../generators/index.js';
import type { FuzzOptions } from '../../../src/api/fuzz.js';
import { fuzz } from '../../../src/api/fuzz.js';

/*
 * Issue 7, points 8 and 10, on handlers in the shapes other teams write them: one bug is one finding, at the
 * field whose payload causes it (or at no field when the event's own shape does), one environment dump is one
 * secret-leak finding, and a timeout is reported only when it shows again and not without the payload.
 */
const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/engine/${name}`, import.meta.url));
const base = { seed: 1, runs: 200 } as const;
const only = async (options: Partial<FuzzOptions> & Pick<FuzzOptions, 'handler'>, oracle: string) => {
  const report = await fuzz({ ...base, ...options });
  return { report, findings: report.findings.filter((f) => f.oracle === oracle) };
};

const sqsSample = (body: unknown) => {
  const plain = eventSources.sqs.plain();
  return { Records: [{ ...plain.Records[0]!, body: JSON.stringify(body) }] };
};
const restSample = (body: unknown) => ({
  ...eventSources['apigw-rest'].plain(),
  httpMethod: 'POST',
  headers: { 'Content-Type': 'application/json' },
  multiValueHeaders: { 'Content-Type': ['application/json'] },
  body: JSON.stringify(body),
});

describe('a crash the event itself causes is one finding, at no injection point', () => {
  it.each([
    ['an SNS router that trims a Subject SNS may leave out', 'sns-subject-trim.mjs', 'sns'],
    ['a middy cart endpoint that assumes its cookie', 'http-cart-cookie.mjs', 'apigw-http'],
    ['a CommonJS S3 trigger that formats the size deletes do not have', 's3-size-report.cjs', 's3'],
  ] as const)('%s', async (_shape, file, source) => {
    const { report, findings } = await only({ handler: fixture(file), source }, 'crash');
    // The plain event has the field: the baseline is clean, and the crash is a finding of the run.
    expect(report.baseline.problems).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ injectionPoint: null, payloadId: null, field: null });
    expect(findings[0]!.evidence).toContain('without any payload');
    expect(findings[0]!.hits).toBeGreaterThan(1);
  });
});

describe('a crash the payload causes is one finding, at the field that carried it', () => {
  it.each([
    ['an SQS consumer converting orderId with BigInt', 'sqs-order-bigint.mjs', { samples: [sqsSample({ orderId: '12345', quantity: 2 })] }, /orderId$/],
    ['a REST webhook registration parsing callbackUrl', 'rest-webhook-url.mjs', { samples: [restSample({ callbackUrl: 'https://hooks.example.com/orders' })] }, /callbackUrl$/],
    ['an S3 router that assumes every key has an extension', 's3-extension-router.mjs', { source: 's3' as const }, /^Records\[\*\]\.s3\.object\.key/],
  ] as const)('%s', async (_shape, file, options, point) => {
    const { report, findings } = await only({ handler: fixture(file), ...options }, 'crash');
    expect(report.baseline.problems).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.injectionPoint).toMatch(point);
    expect(findings[0]!.payloadId).not.toBeNull();
  });
});

describe('a bug many fields reach is one finding, kept at the field it was found at', () => {
  it('a REST sanitiser that throws on suspicious input in any field', async () => {
    const seen: { stage: string; point: string | null }[] = [];
    const report = await fuzz({
      ...base,
      // The first field listed (`path`) takes none of these payloads: the bug is first found at a later one.
      categories: ['boundary', 'xss'],
      handler: fixture('rest-rejects-canary-anywhere.mjs'),
      source: 'apigw-rest',
      listener: { onFinding: (finding, stage) => seen.push({ stage, point: finding.injectionPoint }) },
    });
    const crashes = report.findings.filter((f) => f.oracle === 'crash');
    expect(crashes).toHaveLength(1);
    expect(crashes[0]!.hits).toBeGreaterThan(10); // reached from many fields, counted as one
    // Shrinking simplifies the event and the payload; it does not move the finding to the first field listed.
    const found = seen.find((s) => s.stage === 'found')!.point;
    expect(found).not.toBe('path');
    expect(crashes[0]!.injectionPoint).toBe(found);
    expect(seen.some((s) => s.stage === 'shrunk')).toBe(true);
  });
});

describe('one environment dump is one secret-leak finding listing every leaked secret', () => {
  it.each([
    ['a REST error path returning the SDK configuration', 'rest-sdk-config-leak.mjs', 'apigw-rest', /response body/],
    ['a CommonJS consumer logging process.env', 'sqs-env-log.cjs', 'sqs', /logs/],
    ['a middy handler with the environment base64 in a debug header', 'http-debug-header.mjs', 'apigw-http', /response headers/],
  ] as const)('%s', async (_shape, file, source, where) => {
    const { findings } = await only({ handler: fixture(file), source }, 'secret-leak');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.title).toMatch(where);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) expect(findings[0]!.title).toContain(name);
    expect(findings[0]!.evidence.split('\n').filter((line) => /^AWS_/.test(line))).toHaveLength(3);
    expect(findings[0]!.evidence).not.toMatch(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/);
  });
});

describe('a timeout is confirmed, not assumed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'efz-stall-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const timing = { timeoutMs: 150, runs: 40 } as const;

  it('slow infrastructure (a dependency that stalls every fourth call) reports no timeout', async () => {
    const log = join(dir, 'stalls.log');
    const { report, findings } = await only({ handler: fixture('sqs-stalls-sometimes.mjs'), source: 'sqs', ...timing, env: { STALL_LOG: log } }, 'timeout');
    expect(existsSync(log) && readFileSync(log, 'utf8').trim().split('\n').length).toBeGreaterThan(3); // it did stall
    expect(findings).toEqual([]);
    expect(report.baseline.problems).toEqual([]);
  });

  it('a hang the event shape causes, with or without a payload, is never a confirmed timeout', async () => {
    const { findings } = await only({ handler: fixture('sqs-fifo-lock.mjs'), source: 'sqs', ...timing }, 'timeout');
    // One hang, one finding, whichever payloads showed it.
    expect(findings.length).toBe(1);
    for (const finding of findings) expect(finding).toMatchObject({ confidence: 'tainted', severity: 'low', injectionPoint: null });
  });

  it('stalls of the machine on other fields do not switch timeout detection off for the field with the bug', async () => {
    const sample = sqsSample({ note: 'gift wrap', channel: 'web', coupon: 'WINTER', locale: 'en-GB', resourceId: 'res-123' });
    const { findings } = await only({ handler: fixture('sqs-lock-behind-flaky-dns.mjs'), samples: [sample], ...timing, runs: 24, durationMs: 8_000 }, 'timeout');
    expect(findings.map((f) => [f.confidence, f.injectionPoint])).toEqual([['confirmed', expect.stringMatching(/resourceId$/)]]);
  });

  it('a hang the payload causes is confirmed at its field', async () => {
    const { findings } = await only({ handler: fixture('sqs-resource-lock.mjs'), samples: [sqsSample({ resourceId: 'res-123' })], ...timing, durationMs: 8000 }, 'timeout');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.confidence).toBe('confirmed');
    expect(findings[0]!.injectionPoint).toMatch(/resourceId$/);
  });
});
