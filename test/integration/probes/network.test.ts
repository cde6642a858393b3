import type { Effect, NetworkEffect } from '../../../src/core/index.js';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The probes patch net, http and fetch for the whole realm, so they run in a separate node process. The only
// server anything may reach is the one this test starts on 127.0.0.1; everything else must be refused in-process.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = 'test/fixtures/probes/net-scenarios.ts';
const token = 'efzq7k2m9x4b1c8';
const CALL_SITE = /^test\/fixtures\/probes\/net-handler\.ts:\d+:\d+$/;

interface Seen {
  ok: boolean;
  status?: number;
  body?: string;
  code?: string;
  message?: string;
  name?: string;
  ms: number;
}
interface Report {
  scenarios: Record<string, { result: Seen; effects: Effect[] }>;
  escaped: string[];
}

let server: Server;
let port: number;
const received: string[] = [];

async function runScenarios(allowExec: boolean): Promise<Report> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, allowExec ? '1' : '0', String(port), token], {
    cwd: root,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report;
}

const networkEffects = (report: Report, name: string): NetworkEffect[] =>
  (report.scenarios[name]?.effects ?? []).filter((e): e is NetworkEffect => e.kind === 'network');

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(req.url ?? '');
    res.end(`hello ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('network probe (deny by default)', () => {
  let report: Report;
  let seenByServer: string[];

  beforeAll(async () => {
    received.length = 0;
    report = await runScenarios(false);
    seenByServer = [...received];
  }, 60_000);

  it.each([
    ['local-http-get', 'http.get', '127.0.0.1', (p: number) => `http://127.0.0.1:${p}/ok`],
    ['local-fetch', 'fetch', '127.0.0.1', (p: number) => `http://127.0.0.1:${p}/ok`],
    ['local-http-get-options', 'http.get', 'localhost', (p: number) => `http://localhost:${p}/options`],
    ['local-net-connect', 'net.connect', '127.0.0.1', () => null],
  ])('%s: a fixed loopback destination without a token is allowed, reached, and recorded once', (name, api, host, url) => {
    expect(report.scenarios[name]?.result).toMatchObject({ ok: true });
    const effects = networkEffects(report, name);
    expect(effects).toEqual([{ kind: 'network', api, host, port, url: url(port), blocked: false, callSite: expect.stringMatching(CALL_SITE) }]);
  });

  it('delivers only the token-free requests to the local server', () => {
    expect(seenByServer.sort()).toEqual(['/ok', '/ok', '/options', '/raw']);
    expect(seenByServer.some((path) => path.includes(token))).toBe(false);
  });

  it.each([
    ['token-http-get', 'http.get', 'ECONNREFUSED', 'Error'],
    ['token-fetch', 'fetch', 'ECONNREFUSED', 'TypeError'],
    ['token-https-request', 'https.request', 'ECONNREFUSED', 'Error'],
    ['metadata-http-get', 'http.get', 'ECONNREFUSED', 'Error'],
    ['metadata-http-get-decimal', 'http.get', 'ECONNREFUSED', 'Error'],
    ['metadata-http-get-options-hex', 'http.get', 'ECONNREFUSED', 'Error'],
    ['metadata-fetch-hex', 'fetch', 'ECONNREFUSED', 'TypeError'],
    ['metadata-fetch-octal', 'fetch', 'ECONNREFUSED', 'TypeError'],
    ['metadata-fetch-ipv6-mapped', 'fetch', 'ECONNREFUSED', 'TypeError'],
    ['metadata-fetch-ipv6', 'fetch', 'ECONNREFUSED', 'TypeError'],
    ['metadata-https-request-ecs', 'https.request', 'ECONNREFUSED', 'Error'],
    ['metadata-net-connect-short', 'net.connect', 'ECONNREFUSED', 'Error'],
    ['metadata-net-connect-decimal', 'net.connect', 'ECONNREFUSED', 'Error'],
    ['metadata-net-connect-mapped', 'net.connect', 'ECONNREFUSED', 'Error'],
    ['metadata-tls-connect', 'tls.connect', 'ECONNREFUSED', 'Error'],
    ['metadata-dgram-send', 'dgram.send', 'ECONNREFUSED', 'Error'],
    ['canary-http-get', 'http.get', 'ENOTFOUND', 'Error'],
    ['canary-fetch-https', 'fetch', 'ENOTFOUND', 'TypeError'],
    ['canary-net-connect', 'net.connect', 'ENOTFOUND', 'Error'],
  ])('%s: refused at once with the error the API reports, and recorded once as blocked', (name, api, code, errorName) => {
    const result = report.scenarios[name]?.result;
    expect(result).toMatchObject({ ok: false, code, name: errorName });
    if (errorName === 'TypeError') expect(result?.message).toBe('fetch failed');
    expect(result?.ms).toBeLessThan(1_000); // no connect timeout, no DNS: refused before any socket
    const effects = networkEffects(report, name);
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ api, blocked: true, callSite: expect.stringMatching(CALL_SITE) });
  });

  it('records metadata hosts normalised, whatever the spelling, with the URL as requested', () => {
    for (const name of Object.keys(report.scenarios).filter((n) => n.startsWith('metadata-') && !n.includes('ipv6-') && !n.includes('ecs'))) {
      const host = networkEffects(report, name)[0]?.host;
      expect([name, host]).toEqual([name, name === 'metadata-fetch-ipv6' ? 'fd00:ec2::254' : '169.254.169.254']);
    }
    expect(networkEffects(report, 'metadata-fetch-ipv6-mapped')[0]).toMatchObject({ host: '169.254.169.254', url: 'http://[::ffff:a9fe:a9fe]/latest/meta-data/' });
    expect(networkEffects(report, 'token-fetch')[0]?.url).toBe(`http://127.0.0.1:${port}/hook?id=${token}`);
  });

  it('lets no refused attempt reach node: no connect and no DNS lookup for metadata or canary hosts', () => {
    // Everything that escaped is the four allowed loopback requests (localhost is looked up, as node does).
    expect(report.escaped.every((e) => /^(connect:(127\.0\.0\.1|localhost)|lookup:localhost)$/.test(e))).toBe(true);
    expect(report.escaped.filter((e) => e.startsWith('connect:'))).toHaveLength(4);
  });

  it('never crashes a handler that listens to no error event: the request just closes', () => {
    expect(report.scenarios['token-http-get-careless']?.result).toMatchObject({ ok: false, code: 'closed' });
  });
});

describe('network probe with allowExec', () => {
  let report: Report;
  let seenByServer: string[];

  beforeAll(async () => {
    received.length = 0;
    report = await runScenarios(true);
    seenByServer = [...received];
  }, 60_000);

  it('lets a token in the path or query of a loopback URL through, and records it as allowed', () => {
    expect(report.scenarios['token-http-get']?.result).toMatchObject({ ok: true, body: `hello /${token}` });
    expect(report.scenarios['token-fetch']?.result).toMatchObject({ ok: true, status: 200 });
    expect(seenByServer).toContain(`/${token}`);
    expect(seenByServer).toContain(`/hook?id=${token}`);
    expect(networkEffects(report, 'token-http-get')).toEqual([expect.objectContaining({ api: 'http.get', blocked: false })]);
  });

  it('still refuses metadata addresses and canary hosts', () => {
    for (const name of Object.keys(report.scenarios).filter((n) => n.startsWith('metadata-') || n.startsWith('canary-'))) {
      expect([name, report.scenarios[name]?.result.ok, networkEffects(report, name)[0]?.blocked]).toEqual([name, false, true]);
    }
    expect(report.escaped.every((e) => /^(connect:(127\.0\.0\.1|localhost)|lookup:localhost)$/.test(e))).toBe(true);
  });
});
