import { afterEach, describe, expect, it } from 'vitest';
import type { FuzzOptions } from '../../../src/api/fuzz.js';
import { fuzz } from '../../../src/api/fuzz.js';
import { replay } from '../../../src/api/replay.js';
import { cleanTempDirs, tempDir } from '../../e2e/helpers.js';
import type { ApigwServer } from '../../support/apigw-server.js';
import { fixtureServers } from '../../support/apigw-server.js';
import { eventFixture } from '../../helpers/event-fixtures.js';

/*
 * Timing checks end to end over HTTP (issue 9, point 3: "sleep-based timing only as a secondary signal,
 * dose-response over several delays, never alone"): a blind command injection (the shell runs the payload, its
 * output never comes back) gives a tainted timing finding with the measured table; a constantly slow twin, one
 * with random latency and one that reflects the payload text give nothing. Doses of a few hundred milliseconds
 * keep the wall time small; the decision is the real one (its criteria are unit-tested in test/unit/timing.test.ts).
 */
const { serve, closeAll } = fixtureServers(new URL('../../fixtures/remote/timing/', import.meta.url));
afterEach(async () => {
  await closeAll();
  cleanTempDirs();
});

/** A real HTTP API event asking `GET /lookup?name=bob`, without headers, cookies or body: few fields to check. */
function lookupSample(): unknown {
  const { headers: _headers, cookies: _cookies, body: _body, ...event } = eventFixture('apigw-http/proxy') as Record<string, unknown>;
  return { ...event, routeKey: '$default', rawPath: '/lookup', rawQueryString: 'name=bob', queryStringParameters: { name: 'bob' }, pathParameters: undefined };
}

/**
 * Steps of 300 ms: each must stand five noise widths clear, so a loaded test machine's jitter (tens of ms, both
 * sides of the connection in this process) still leaves the blind handler's verdict clear.
 */
const DOSES = [0.3, 0.6, 1.2];
const REPEATS = 3;
/** One field's check with these doses: a control and four shell shapes, then 3 rounds over 4 doses. */
const PER_FIELD = 5 + 12;

async function remote(server: ApigwServer, extra: Partial<FuzzOptions> = {}) {
  const notices: string[] = [];
  const requestsAtNotice: number[] = [];
  const report = await fuzz({
    url: server.url,
    source: 'apigw-http',
    samples: [lookupSample()],
    categories: ['command-injection'],
    seed: 11,
    rate: 1000,
    concurrency: 8,
    runs: 40,
    timing: { doses: DOSES, repeats: REPEATS },
    listener: {
      onNotice: (line) => {
        notices.push(line);
        requestsAtNotice.push(server.requests());
      },
    },
    ...extra,
  });
  return { report, notices, requestsAtNotice };
}

describe('remote timing checks (fuzz --url)', () => {
  it('a blind command injection: a tainted finding with the dose-response table, never confirmed', async () => {
    const server = await serve('blind-shell.ts');
    const { report, notices, requestsAtNotice } = await remote(server);
    const announced = notices.findIndex((line) => /^eventfuzz: timing checks: up to 60 of the 500 invocations/.test(line));
    expect(announced, notices.join('\n')).toBeGreaterThanOrEqual(0);
    expect(requestsAtNotice[announced]).toBe(0);
    const timing = report.findings.filter((f) => f.oracle === 'command-injection');
    expect(timing.length, JSON.stringify(report.findings.map((f) => [f.title, f.evidence]), null, 1)).toBeGreaterThan(0);
    for (const finding of timing) {
      expect(finding.confidence).toBe('tainted');
      expect(finding.title).toBe('Timing suggests the payload ran: blind command injection (remote)');
      expect(finding.injectionPoint).toMatch(/^(rawQueryString|queryStringParameters\.name)$/);
      expect(finding.payloadId).toMatch(/^ci-time-/);
      expect(finding.evidence).toMatch(/^ {2}sleep {4}0 s: median +\d+ ms {2}\(\d+, \d+, \d+ ms\)$/m);
      expect(finding.evidence).toMatch(/^ {2}sleep {2}0\.3 s: median +\d+ ms/m);
      expect(finding.evidence).toMatch(/^ {2}sleep {2}1\.2 s: median +1\d{3} ms/m);
      expect(finding.evidence).toContain('never a confirmation');
    }
    // Nothing but timing found it: the marker never came back.
    expect(report.findings.filter((f) => f.confidence === 'confirmed')).toEqual([]);
    expect(server.requests()).toBeLessThanOrEqual(500);
  }, 60_000);

  it("replay runs a stored timing finding's dose series again: it reproduces on the blind handler and is fixed on one that never runs the name", async () => {
    const server = await serve('blind-shell.ts');
    const corpusDir = tempDir('efz-timing-corpus-');
    const { report } = await remote(server, { corpusDir });
    expect(report.findings.some((f) => f.confidence === 'tainted' && f.oracle === 'command-injection')).toBe(true);
    const again = await replay({ paths: [corpusDir], timing: { doses: DOSES, repeats: REPEATS } });
    const timed = again.filter((outcome) => outcome.kind === 'finding' && outcome.entry.finding.title.startsWith('Timing suggests'));
    expect(timed.length).toBeGreaterThan(0);
    expect(timed.map((outcome) => outcome.reproduces)).toEqual(timed.map(() => true));
    const fixed = await serve('reflects-name.ts');
    const afterFix = await replay({ paths: [corpusDir], url: fixed.url, timing: { doses: DOSES, repeats: REPEATS } });
    expect(afterFix.filter((outcome) => outcome.kind === 'finding' && outcome.entry.finding.title.startsWith('Timing suggests')).map((outcome) => outcome.reproduces)).toEqual(timed.map(() => false));
  }, 90_000);

  it('a blind code injection (eval, result discarded): a tainted finding from the Atomics.wait twins', async () => {
    const server = await serve('blind-eval.ts');
    const sample = { ...(lookupSample() as Record<string, unknown>), rawQueryString: 'expr=1', queryStringParameters: { expr: '1' } };
    const { report } = await remote(server, { samples: [sample], categories: ['code-injection'], runs: 12 });
    const found = report.findings.filter((f) => f.oracle === 'code-injection');
    expect(found.length, JSON.stringify(report.findings.map((f) => [f.title, f.confidence]))).toBeGreaterThan(0);
    expect(found.every((f) => f.confidence === 'tainted' && f.title === 'Timing suggests the payload ran: blind code injection (remote)')).toBe(true);
    expect(found[0]!.payloadId).toMatch(/^code-time-/);
  }, 60_000);

  it('keeps its invocations back from the cap: the campaign stops short of --max-invocations, the checks still run, the server counts no more than the cap', async () => {
    const server = await serve('blind-shell.ts');
    const { report, notices } = await remote(server, { runs: 1000, maxInvocations: 400 });
    expect(notices.join('\n')).toMatch(/timing checks: up to 50 of the 400 invocations/);
    expect(report.findings.some((f) => f.oracle === 'command-injection' && f.confidence === 'tainted')).toBe(true);
    expect(server.requests()).toBeLessThanOrEqual(400);
    expect(report.stats.runs).toBeLessThan(1000);
  }, 60_000);

  it('a constantly slow twin (a fixed 1 s delay, the value never run): nothing', async () => {
    const server = await serve('constant-slow.ts');
    const { report, notices } = await remote(server, { runs: 16, timing: { doses: DOSES, repeats: REPEATS, maxInvocations: PER_FIELD } });
    expect(notices.join('\n')).toMatch(/timing checks: 1 field\(s\) checked with \d+ invocations, 0 suggest/);
    expect(report.findings.map((f) => f.oracle)).not.toContain('command-injection');
  }, 60_000);

  it('a twin whose latency is random (0-600 ms a request, the value never run): nothing', async () => {
    const server = await serve('random-latency.ts');
    const { report, notices } = await remote(server, { runs: 20, timing: { doses: DOSES, repeats: REPEATS, maxInvocations: 2 * PER_FIELD } });
    expect(notices.join('\n')).toMatch(/timing checks: [2-9] field\(s\) checked/);
    expect(report.findings.map((f) => f.oracle)).not.toContain('command-injection');
  }, 60_000);

  it('a reflecting twin (echoes the payload text, never runs it): nothing; with --no-timing no check is sent at all', async () => {
    const reflecting = await serve('reflects-name.ts');
    const { report, notices } = await remote(reflecting);
    expect(notices.join('\n')).toMatch(/timing checks: [1-9]\d* field\(s\) checked/);
    expect(report.findings.map((f) => f.oracle)).not.toContain('command-injection');
    const off = await serve('blind-shell.ts');
    const quiet = await remote(off, { timing: false });
    expect(quiet.notices.join('\n')).not.toMatch(/timing checks/);
    expect(quiet.report.findings.map((f) => f.oracle)).not.toContain('command-injection');
    expect(off.events.some((event) => JSON.stringify(event).includes(';: efz'))).toBe(false);
  }, 60_000);
});
