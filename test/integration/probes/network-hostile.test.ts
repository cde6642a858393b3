import type { Effect, NetworkEffect } from '../../../src/core/index.js';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A hostile handler connects through every API it can reach, to destinations its payload chose. The probes
// patch the realm, so the scenarios run in their own node process (net-hostile-scenarios.ts). Every
// destination is one of the three loopback listeners below, which count what reaches them: a refused attempt
// must never arrive. Names that must not resolve (the canary host) only ever meet a spy that resolves nothing.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = 'test/fixtures/probes/net-hostile-scenarios.ts';
const token = 'efzh0st1lenet42';
const CALL_SITE = /^test\/fixtures\/probes\/net-hostile-handler\.ts:\d+:\d+$/;
// The call site is the first frame outside node and eventfuzz: for undici, its own code (fetch dispatches later).
const UNDICI_SITE = /^node_modules\/undici\/lib\/.+\.js:\d+:\d+$/;
const siteOf = (api: string): RegExp => (api.startsWith('undici.') ? UNDICI_SITE : CALL_SITE);

interface Seen {
  ok: boolean;
  code?: string;
  name?: string;
  message?: string;
  body?: string;
  ms: number;
}
interface Report {
  scenarios: Record<string, { result: Seen; effects: Effect[] }>;
  escaped: string[];
}
interface Arrivals {
  tcp: number;
  http: string[];
  udp: number;
}

let tcp: TcpServer;
let http: HttpServer;
let udp: UdpSocket;
const ports = { tcp: 0, http: 0, udp: 0 };
const arrivals: Arrivals = { tcp: 0, http: [], udp: 0 };

async function runScenarios(allowExec: boolean): Promise<{ report: Report; arrived: Arrivals }> {
  Object.assign(arrivals, { tcp: 0, http: [], udp: 0 });
  const argv = [allowExec ? '1' : '0', ports.tcp, ports.http, ports.udp, token].map(String);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, ...argv], { cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  return { report: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report, arrived: { ...arrivals, http: [...arrivals.http] } };
}

const networkEffects = (report: Report, name: string): NetworkEffect[] =>
  (report.scenarios[name]?.effects ?? []).filter((e): e is NetworkEffect => e.kind === 'network');

beforeAll(async () => {
  tcp = createTcpServer((socket) => {
    arrivals.tcp++;
    socket.destroy();
  });
  http = createHttpServer((req, res) => {
    arrivals.http.push(req.url ?? '');
    res.end('hello');
  });
  udp = createSocket('udp4', () => arrivals.udp++);
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  ports.tcp = (tcp.address() as AddressInfo).port;
  ports.http = (http.address() as AddressInfo).port;
  ports.udp = udp.address().port;
});
afterAll(async () => {
  udp.close();
  await new Promise((resolve) => tcp.close(resolve));
  await new Promise((resolve) => http.close(resolve));
});

describe('network probe against a hostile handler (deny by default)', () => {
  let report: Report;
  let arrived: Arrivals;
  beforeAll(async () => {
    ({ report, arrived } = await runScenarios(false));
  }, 60_000);

  it.each([
    ['named-net-connect', 'net.connect', 'tcp', 'ECONNREFUSED', () => null],
    ['named-tls-connect', 'tls.connect', 'tcp', 'ECONNREFUSED', () => null],
    ['named-socket-connect', 'net.Socket.connect', 'tcp', 'ECONNREFUSED', () => null],
    ['named-dgram-send', 'dgram.send', 'udp', 'ECONNREFUSED', () => null],
    ['named-http2-connect', 'http2.connect', 'tcp', 'ECONNREFUSED', (p: number) => `http://127.0.0.1:${p}/`],
    ['undici-pool-named', 'undici.Pool', 'http', 'ECONNREFUSED', (p: number) => `http://127.0.0.1:${p}/status`],
    ['named-node-fetch', 'fetch', 'http', 'ECONNREFUSED', (p: number) => `http://127.0.0.1:${p}/status`],
  ] as const)('%s: the host and port of the payload URL, taken apart, are refused and recorded once', (name, api, listener, code, url) => {
    expect(report.scenarios[name]?.result).toMatchObject({ ok: false, code });
    expect(report.scenarios[name]?.result.ms).toBeLessThan(1_000);
    expect(networkEffects(report, name)).toEqual([
      { kind: 'network', api, host: '127.0.0.1', port: ports[listener], url: url(ports[listener]), blocked: true, callSite: expect.stringMatching(siteOf(api)) },
    ]);
  });

  it.each([
    ['undici-request-token', 'undici.Agent', 'ECONNREFUSED', 'Error', (p: number) => `http://127.0.0.1:${p}/q?id=${token}`],
    ['undici-fetch-token', 'undici.Agent', 'ECONNREFUSED', 'TypeError', (p: number) => `http://127.0.0.1:${p}/${token}`],
    ['undici-client-token', 'undici.Client', 'ECONNREFUSED', 'Error', (p: number) => `http://127.0.0.1:${p}/${token}`],
    ['undici-request-canary', 'undici.Agent', 'ENOTFOUND', 'Error', () => `http://${token}.canary.invalid/`],
  ])('%s: the undici package is refused with its own error path, the URL recorded', (name, api, code, errorName, url) => {
    expect(report.scenarios[name]?.result).toMatchObject({ ok: false, code, name: errorName });
    expect(networkEffects(report, name)).toEqual([expect.objectContaining({ api, url: url(ports.http), blocked: true, callSite: expect.stringMatching(UNDICI_SITE) })]);
  });

  it('lets fixed destinations through, each recorded once under the API the handler used', () => {
    expect(report.scenarios['fixed-net-connect']?.result).toMatchObject({ ok: true });
    expect(report.scenarios['fixed-net-connect-localhost']?.result).toMatchObject({ ok: true });
    expect(report.scenarios['undici-request-local']?.result).toMatchObject({ ok: true, body: 'hello' });
    expect(networkEffects(report, 'fixed-net-connect')).toEqual([expect.objectContaining({ api: 'net.connect', blocked: false })]);
    // net looks localhost up itself: that lookup is part of the connection, not a second effect.
    expect(networkEffects(report, 'fixed-net-connect-localhost')).toEqual([expect.objectContaining({ api: 'net.connect', host: 'localhost', blocked: false })]);
    expect(networkEffects(report, 'undici-request-local')).toEqual([expect.objectContaining({ api: 'undici.Agent', url: `http://127.0.0.1:${ports.http}/ok`, blocked: false })]);
  });

  it('delivers nothing refused: only the fixed connections reach the listeners', () => {
    expect(arrived.tcp).toBe(2); // fixed-net-connect and fixed-net-connect-localhost
    expect(arrived.http).toEqual(['/ok']);
    expect(arrived.udp).toBe(1); // resolver-own-server's query, nothing else
  });

  it.each([
    ['dns-lookup-canary', 'dns.lookup', 'getaddrinfo'],
    ['dns-promises-lookup-canary', 'dns.promises.lookup', 'getaddrinfo'],
    ['dns-resolve4-canary', 'dns.resolve4', 'queryA'],
    ['dns-resolve-txt-canary', 'dns.resolve', 'queryTxt'],
    ['dns-promises-resolve4-canary', 'dns.promises.resolve4', 'queryA'],
    ['dns-resolver-resolve6-canary', 'dns.Resolver.resolve6', 'queryAaaa'],
    ['dns-promises-resolver-any-canary', 'dns.promises.Resolver.resolveAny', 'queryAny'],
  ])('%s: no query for the canary host, ENOTFOUND as for a name that does not exist, recorded once', (name, api, syscall) => {
    const result = report.scenarios[name]?.result;
    expect(result).toMatchObject({ ok: false, code: 'ENOTFOUND', message: `${syscall} ENOTFOUND ${token}.canary.invalid` });
    expect(result?.ms).toBeLessThan(1_000);
    const effects = networkEffects(report, name).filter((e) => !e.api.endsWith('setServers'));
    expect(effects).toEqual([{ kind: 'network', api, host: `${token}.canary.invalid`, port: null, url: null, blocked: true, callSite: expect.stringMatching(CALL_SITE) }]);
  });

  it('refuses metadata names and lets localhost resolve', () => {
    expect(report.scenarios['dns-reverse-metadata']?.result).toMatchObject({ ok: false, code: 'ENOTFOUND', message: 'getHostByAddr ENOTFOUND 169.254.169.254' });
    expect(networkEffects(report, 'dns-reverse-metadata')).toEqual([expect.objectContaining({ api: 'dns.reverse', host: '169.254.169.254', blocked: true })]);
    expect(report.scenarios['dns-lookup-metadata-name']?.result).toMatchObject({ ok: false, code: 'ENOTFOUND' });
    expect(networkEffects(report, 'dns-lookup-metadata-name')).toEqual([expect.objectContaining({ host: 'metadata.google.internal', blocked: true })]);
    expect(report.scenarios['dns-lookup-localhost']?.result).toMatchObject({ ok: true });
    expect(networkEffects(report, 'dns-lookup-localhost')).toEqual([expect.objectContaining({ api: 'dns.lookup', blocked: false })]);
    expect(report.escaped.filter((e) => !/^lookup:(localhost|[\d.]+)$/.test(e))).toEqual([]); // dgram binds 0.0.0.0
  });

  it.each([
    ['resolver-named-server', 'dns.Resolver.setServers'],
    ['promises-resolver-named-server', 'dns.promises.Resolver.setServers'],
  ])('%s: a Resolver pointed at the payload-named server sends no query there and fails as unreachable', (name, api) => {
    expect(report.scenarios[name]?.result).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
    expect(networkEffects(report, name)).toEqual([expect.objectContaining({ api, host: '127.0.0.1', port: ports.udp, blocked: true })]);
  });

  it("lets the handler's own resolver query its own server (the query arrives, unanswered)", () => {
    expect(report.scenarios['resolver-own-server']?.result).toMatchObject({ ok: false, code: 'ETIMEOUT' });
    expect(networkEffects(report, 'resolver-own-server')).toEqual([
      expect.objectContaining({ api: 'dns.Resolver.setServers', blocked: false }),
      expect.objectContaining({ api: 'dns.Resolver.resolve4', host: 'efz-test.localhost', blocked: false }),
    ]);
  });
});

describe('network probe against a hostile handler, with allowExec', () => {
  let report: Report;
  let arrived: Arrivals;
  beforeAll(async () => {
    ({ report, arrived } = await runScenarios(true));
  }, 60_000);

  it('lets a payload-named loopback destination through, as a token in a loopback URL, recorded as allowed', () => {
    expect(report.scenarios['named-net-connect']?.result).toMatchObject({ ok: true });
    expect(networkEffects(report, 'named-net-connect')).toEqual([expect.objectContaining({ api: 'net.connect', blocked: false })]);
    expect(report.scenarios['undici-request-token']?.result).toMatchObject({ ok: true });
    expect(arrived.http).toContain(`/q?id=${token}`);
  });

  it('still refuses the canary host, over DNS and over undici', () => {
    for (const name of ['dns-lookup-canary', 'dns-resolve4-canary', 'dns-promises-resolver-any-canary', 'undici-request-canary']) {
      expect([name, report.scenarios[name]?.result.code]).toEqual([name, 'ENOTFOUND']);
    }
    expect(report.escaped.filter((e) => !/^lookup:(localhost|[\d.]+)$/.test(e))).toEqual([]); // dgram binds 0.0.0.0
  });
});
