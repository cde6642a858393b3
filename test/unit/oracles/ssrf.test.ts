import type { Effect, NetworkEffect } from '../../../src/core/index.js';
import { describe, expect, it } from 'vitest';
import { ssrf } from '../../../src/oracles/ssrf.js';
import { METADATA_ADDRESSES } from '../../../src/core/destinations.js';
import { fuzzCase, observation, oracleContext } from '../../helpers/observation.js';

const canary = 'efzcanary00001';
const other = 'efzother0000001';

function net(overrides: Partial<NetworkEffect> = {}): Effect {
  return { kind: 'network', api: 'fetch', host: '127.0.0.1', port: 80, url: null, blocked: true, callSite: 'src/handler.ts:9:11', ...overrides };
}

function ssrfCase(payload: string, placement: 'replace' | 'append' | 'before-extension' = 'replace', family = 'ssrf') {
  const base = fuzzCase({ canary });
  return oracleContext({
    case: { canary, injection: { ...base.injection!, payloadId: 'ssrf-x', family, placement, payload, point: 'Records[*].body<json>.webhook.url' } },
  });
}

describe('oracle: ssrf', () => {
  it.each<[string, string, readonly Effect[], { severity: string } | undefined]>([
    [
      'the canary host was looked up (fetch)',
      `http://${canary}.canary.invalid/`,
      [net({ host: `${canary}.canary.invalid`, url: `http://${canary}.canary.invalid/` })],
      { severity: 'high' },
    ],
    [
      'a raw net.connect to the canary host (no URL)',
      `http://${canary}.canary.invalid/`,
      [net({ api: 'net.connect', host: `${canary}.canary.invalid`, url: null })],
      { severity: 'high' },
    ],
    [
      'the payload host spliced into a host name',
      `${canary}`,
      [net({ host: `${canary}.api.example.com`, url: `https://${canary}.api.example.com/v1`, port: 443 })],
      { severity: 'high' },
    ],
    [
      'the metadata address, decimal spelling in the payload (probe records it normalised)',
      `http://2852039166/latest/meta-data/?${canary}`,
      [net({ host: '169.254.169.254', url: `http://169.254.169.254/latest/meta-data/?${canary}` })],
      { severity: 'critical' },
    ],
    [
      'the metadata address, reached without the canary (the handler rebuilt the path)',
      `http://169.254.169.254/latest/meta-data/?${canary}`,
      [net({ api: 'http.get', host: '169.254.169.254', url: 'http://169.254.169.254/latest/meta-data/iam/' })],
      { severity: 'critical' },
    ],
    [
      'the IPv6 metadata endpoint',
      `http://[fd00:ec2::254]/latest/meta-data/?${canary}`,
      [net({ host: 'fd00:ec2::254', url: `http://[fd00:ec2::254]/latest/meta-data/?${canary}` })],
      { severity: 'critical' },
    ],
    [
      'the userinfo confusion lands on the metadata address',
      `http://${canary}.canary.invalid@169.254.169.254/latest/meta-data/`,
      [net({ host: '169.254.169.254', url: 'http://169.254.169.254/latest/meta-data/' })],
      { severity: 'critical' },
    ],
    [
      'loopback at the payload URL (short form 127.1), allowed through with --allow-exec',
      `http://127.1/${canary}`,
      [net({ host: '127.0.0.1', url: `http://127.0.0.1/${canary}`, blocked: false })],
      { severity: 'high' },
    ],
    [
      "the payload URL with the handler's own suffix",
      `http://[::1]/${canary}`,
      [net({ host: '::1', url: `http://[::1]/${canary}/notify` })],
      { severity: 'high' },
    ],
    [
      'a DNS query for the canary host (no port, no URL)',
      `http://${canary}.canary.invalid/`,
      [net({ api: 'dns.resolve4', host: `${canary}.canary.invalid`, port: null, url: null })],
      { severity: 'high' },
    ],
    [
      "a raw net.connect to the payload URL's host and port (the handler took the URL apart)",
      `http://127.0.0.1:6379/${canary}`,
      [net({ api: 'net.connect', host: '127.0.0.1', port: 6379, url: null })],
      { severity: 'high' },
    ],
    [
      "a datagram to the payload URL's host and default port",
      `http://127.1/${canary}`,
      [net({ api: 'dgram.send', host: '127.0.0.1', port: 80, url: null })],
      { severity: 'high' },
    ],
  ])('reports %s as confirmed', (_label, payload, effects, expected) => {
    // Arrange
    const obs = observation({ effects });
    // Act
    const findings = ssrf.check(obs, ssrfCase(payload));
    // Assert
    expect(findings.map((f) => ({ oracle: f.oracle, confidence: f.confidence, severity: f.severity }))).toEqual([
      { oracle: 'ssrf', confidence: 'confirmed', ...expected },
    ]);
  });

  it.each<[string, string, readonly Effect[] | undefined, string?]>([
    [
      'a fixed host with the canary only in the query',
      `http://127.0.0.1/${canary}`,
      [net({ host: 'api.example.com', port: 443, url: `https://api.example.com/v1/lookup?q=http://127.0.0.1/${canary}` })],
    ],
    [
      'a fixed host with the canary only in the path (payload appended to the sample URL)',
      `http://${canary}.canary.invalid/`,
      [net({ host: 'hooks.example.com', port: 443, url: `https://hooks.example.com/ordershttp://${canary}.canary.invalid/` })],
      'append',
    ],
    [
      'a fixed local service on the payload host, canary only in its query',
      `http://127.0.0.1/${canary}`,
      [net({ host: '127.0.0.1', port: 80, url: `http://127.0.0.1/lookup?u=http://127.0.0.1/${canary}` })],
    ],
    [
      'a fixed local database connection (no URL, no canary)',
      `http://127.0.0.1/${canary}`,
      [net({ api: 'net.connect', host: '127.0.0.1', port: 5432, url: null, blocked: false })],
    ],
    [
      "a raw connect to the payload's host on another port",
      `http://127.0.0.1:6379/${canary}`,
      [net({ api: 'net.connect', host: '127.0.0.1', port: 6380, url: null })],
    ],
    ["a DNS lookup of the payload's loopback name (no port, no canary)", `http://localhost/${canary}`, [net({ api: 'dns.lookup', host: 'localhost', port: null, url: null })]],
    ["another case's canary host", `http://${canary}.canary.invalid/`, [net({ host: `${other}.canary.invalid`, url: `http://${other}.canary.invalid/` })]],
    ["another case's canary at the payload URL", `http://127.0.0.1/${canary}`, [net({ host: '127.0.0.1', url: `http://127.0.0.1/${other}` })]],
    ['remote runner: no effects observed', `http://${canary}.canary.invalid/`, undefined],
  ])('stays silent for %s', (_label, payload, effects, placement) => {
    // Arrange
    const obs = observation({ effects });
    // Act
    const findings = ssrf.check(obs, ssrfCase(payload, (placement ?? 'replace') as 'replace'));
    // Assert
    expect(findings).toEqual([]);
  });

  it('does not blame a metadata call on a case that injects no SSRF payload', () => {
    // Arrange
    const obs = observation({ effects: [net({ host: '169.254.169.254', url: 'http://169.254.169.254/latest/api/token' })] });
    // Act
    const findings = ssrf.check(obs, oracleContext({ case: { canary } })); // a command-injection case
    // Assert
    expect(findings).toEqual([]);
  });

  it('names the sink and why, keys the bug by call site and API without the canary, one finding per pair', () => {
    // Arrange
    const hit = net({ host: '169.254.169.254', url: `http://169.254.169.254/latest/meta-data/?${canary}`, callSite: 'src/notify.ts:14:9' });
    const obs = observation({ effects: [hit, hit, net({ ...(hit as NetworkEffect), api: 'http.get' })] });
    // Act
    const findings = ssrf.check(obs, ssrfCase(`http://169.254.169.254/latest/meta-data/?${canary}`));
    // Assert
    expect(findings.map((f) => f.signature)).toEqual(['src/notify.ts:14:9|fetch', 'src/notify.ts:14:9|http.get']);
    expect(findings[0]?.title).toBe('SSRF to the cloud metadata service via fetch');
    expect(findings[0]?.evidence).toContain('eventfuzz blocked it');
    expect(findings[0]?.evidence).toContain('cloud metadata address');
    expect(findings.every((f) => !f.signature.includes(canary))).toBe(true);
  });

  it.each(METADATA_ADDRESSES)('judges %s, an address the probe blocks, as the metadata service', (host) => {
    const effect = net({ host, url: `http://${host.includes(':') ? `[${host}]` : host}/latest/meta-data/?${canary}` });
    const findings = ssrf.check(observation({ effects: [effect] }), ssrfCase(`http://169.254.169.254/latest/meta-data/?${canary}`));
    expect(findings).toMatchObject([{ severity: 'critical', title: 'SSRF to the cloud metadata service via fetch' }]);
  });
});
