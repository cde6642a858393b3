import { describe, expect, it } from 'vitest';
import { blockReason, carriesToken, classifyHost, normalizeHost, urlDestination } from '../../../src/core/destinations.js';

const token = 'efzq7k2m9x4b1c8';

describe('normalizeHost: the address the OS connects to', () => {
  it.each([
    ['169.254.169.254', '169.254.169.254'],
    ['2852039166', '169.254.169.254'], // one decimal integer
    ['0xa9fea9fe', '169.254.169.254'], // one hex integer
    ['0XA9FEA9FE', '169.254.169.254'],
    ['0251.0376.0251.0376', '169.254.169.254'], // dotted octal
    ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254'], // dotted hex
    ['169.254.43518', '169.254.169.254'], // a.b.c: the last part fills two bytes
    ['169.16689662', '169.254.169.254'], // a.b: the last part fills three bytes
    ['0251.254.0xa9.254', '169.254.169.254'], // mixed bases
    ['169.254.169.254.', '169.254.169.254'], // fully qualified
    ['[::ffff:a9fe:a9fe]', '169.254.169.254'], // IPv4-mapped, as WHATWG serialises it
    ['::ffff:169.254.169.254', '169.254.169.254'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', '169.254.169.254'],
    ['::169.254.169.254', '169.254.169.254'], // IPv4-compatible
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'], // NAT64
    ['[fd00:ec2::254]', 'fd00:ec2::254'],
    ['FD00:0EC2:0000:0000:0000:0000:0000:0254', 'fd00:ec2::254'],
    ['fe80::1%eth0', 'fe80::1'],
    ['169.254.170.2', '169.254.170.2'],
    ['127.1', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x7f000001', '127.0.0.1'],
    ['[::1]', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['LocalHost.', 'localhost'],
    ['Hooks.Example.COM', 'hooks.example.com'],
  ])('%s → %s', (host, expected) => {
    expect(normalizeHost(host)).toBe(expected);
  });

  it.each(['1.2.3.256', '256.1.1.1', '08.1.1.1', '1.2.3.4.5', '0x100000000', 'example.com', '1:2:3:4:5:6:7:8:9', '1::2::3', 'a9fe'])(
    'leaves %s as a name (no address it could be)',
    (host) => {
      expect(normalizeHost(host)).toBe(host.toLowerCase());
    },
  );
});

describe('classifyHost', () => {
  it.each([
    ['169.254.169.254', 'metadata'],
    ['2852039166', 'metadata'],
    ['0xa9fea9fe', 'metadata'],
    ['0251.0376.0251.0376', 'metadata'],
    ['169.254.43518', 'metadata'],
    ['[::ffff:a9fe:a9fe]', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.170.2', 'metadata'], // ECS credentials
    ['169.254.169.253', 'metadata'], // link-local: AWS DNS
    ['metadata.google.internal', 'metadata'],
    [`${token}.canary.invalid`, 'canary-host'],
    [`${token}.CANARY.invalid.`, 'canary-host'],
    ['127.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['localhost', 'loopback'],
    ['hooks.example.com', 'reserved-name'],
    ['example.org', 'reserved-name'],
    ['svc.test', 'reserved-name'],
    ['other.invalid', 'reserved-name'],
    ['example.com.evil.net', 'other'],
    ['api.stripe.com', 'other'],
    ['dynamodb.us-east-1.amazonaws.com', 'other'],
    ['canary.invalid.evil.net', 'other'],
  ])('%s is %s', (host, kind) => {
    expect(classifyHost(host)).toBe(kind);
  });
});

describe('urlDestination', () => {
  it.each([
    [`http://2852039166/latest/meta-data/?${token}`, { scheme: 'http:', host: '169.254.169.254', port: 80, target: `/latest/meta-data/?${token}` }],
    [`//169.254.169.254/latest/?${token}`, { scheme: 'http:', host: '169.254.169.254', port: 80, target: `/latest/?${token}` }],
    [`http://[::ffff:a9fe:a9fe]/x`, { scheme: 'http:', host: '169.254.169.254', port: 80, target: '/x' }],
    [`https://${token}.canary.invalid@169.254.169.254/latest/`, { scheme: 'https:', host: '169.254.169.254', port: 443, target: '/latest/' }],
    [`http://127.1:8080/${token}`, { scheme: 'http:', host: '127.0.0.1', port: 8080, target: `/${token}` }],
  ])('%s', (text, expected) => {
    expect(urlDestination(text)).toEqual(expected);
  });

  it.each(['not a url', '/relative/path', 'hooks.example.com/orders', ''])('%s is no URL', (text) => {
    expect(urlDestination(text)).toBeUndefined();
  });
});

describe('blockReason: the probe policy', () => {
  it.each<[string, string | null, boolean, ReturnType<typeof blockReason>]>([
    ['169.254.169.254', null, false, 'metadata'],
    ['2852039166', null, true, 'metadata'], // always, even with allowExec
    ['fd00:ec2::254', 'http://[fd00:ec2::254]/', true, 'metadata'],
    [`${token}.canary.invalid`, null, true, 'canary-host'],
    [`${token}.attacker.net`, null, true, 'token-in-host'],
    ['127.0.0.1', `http://127.0.0.1/${token}`, false, 'token-in-url'],
    ['127.0.0.1', `http://127.0.0.1/${token}`, true, null], // --allow-exec lets loopback with a token through
    ['api.partner.net', `https://api.partner.net/v1?q=${token}`, false, 'token-in-url'],
    ['api.partner.net', `https://api.partner.net/v1?q=${token}`, true, null],
    ['hooks.example.com', 'https://hooks.example.com/orders', true, 'reserved-name'],
    ['127.0.0.1', 'http://127.0.0.1:5432/', false, null], // a fixed local service
    ['dynamodb.us-east-1.amazonaws.com', null, false, null],
  ])('%s %s allowExec=%s → %s', (host, url, allowExec, expected) => {
    expect(blockReason(host, url, allowExec)).toBe(expected);
  });

  it.each<[string, boolean, boolean, ReturnType<typeof blockReason>]>([
    ['127.0.0.1', true, false, 'payload-named'], // the payload's URL named it: refused from below too
    ['127.0.0.1', true, true, null], // --allow-exec lets it through, as a token in a loopback URL
    ['127.0.0.1', false, false, null],
    ['169.254.169.254', true, true, 'metadata'],
  ])('%s named=%s allowExec=%s → %s (a raw API, no URL)', (host, named, allowExec, expected) => {
    expect(blockReason(host, null, allowExec, named)).toBe(expected);
  });

  it('recognises any case canary, and nothing else', () => {
    expect(carriesToken(`x/${token}/y`)).toBe(true);
    expect(carriesToken('efz-not-a-token')).toBe(false);
    expect(carriesToken(null)).toBe(false);
  });
});
