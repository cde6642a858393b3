import type { Finding, WatchedSecret } from '../../../src/core/index.js';
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secretLeak } from '../../../src/oracles/secret-leak.js';
import { observation, oracleContext, returned, serializedError, threw } from '../../helpers/observation.js';

const KEY_ID = 'AKIAEFZCANARY0000001';
const SECRET_KEY = 'efzCanarySecretKey/0123456789+abcdefghijk';
const PASSWORD = 'p@ss"w0rd\\with quotes';
const secrets: readonly WatchedSecret[] = [
  { name: 'AWS_ACCESS_KEY_ID', value: KEY_ID, kind: 'canary-credential' },
  { name: 'AWS_SECRET_ACCESS_KEY', value: SECRET_KEY, kind: 'canary-credential' },
  { name: 'DB_PASSWORD', value: PASSWORD, kind: 'user-secret' },
];
const ctx = oracleContext({ secrets });
const apigw = (body: string, headers: Record<string, string> = {}) => returned({ statusCode: 200, headers, body });
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Every field of every finding, so a test can assert a value appears nowhere. */
const allText = (findings: readonly Finding[]): string => findings.map((f) => Object.values(f).join('\n')).join('\n');

/**
 * `<where>:<secret>:<encoding>` for every watched secret the findings list, read back from their evidence (one
 * line per secret): watched secrets of one destination share one finding, so the signature alone no longer says.
 */
const leaks = (findings: readonly Finding[]): string[] =>
  findings
    .filter((f) => f.signature.endsWith(':watched-secrets'))
    .flatMap((f) =>
      f.evidence.split('\n').flatMap((line) => {
        const match = /^(\S+) \(\d+ chars, ([\w-]+)\)/.exec(line);
        return match === null ? [] : [`${f.signature.split(':')[0]}:${match[1]}:${match[2]!.replace(/^(base64url|base64|hex)-encoded$/, '$1')}`];
      }),
    );

function expectMasked(findings: readonly Finding[], values: readonly string[] = secrets.map((s) => s.value)): void {
  const text = allText(findings);
  for (const value of values) expect(text).not.toContain(value);
}

describe('oracle: secret-leak', () => {
  it.each([
    ['verbatim in an API Gateway body', apigw(`key=${SECRET_KEY}`), 'response:AWS_SECRET_ACCESS_KEY:verbatim', 'response body'],
    ['JSON-escaped inside a JSON body', apigw(JSON.stringify({ db: { password: PASSWORD } })), 'response:DB_PASSWORD:json-escaped', 'response body'],
    ['URL-encoded in a header', apigw('ok', { location: `https://x.test/?s=${encodeURIComponent(SECRET_KEY)}` }), 'response:AWS_SECRET_ACCESS_KEY:url-encoded', 'response headers'],
    ['hex in a nested field', returned({ data: [{ blob: Buffer.from(SECRET_KEY).toString('hex') }] }), 'response:AWS_SECRET_ACCESS_KEY:hex', 'response'],
    ['inside a returned Buffer', returned(Buffer.from(`x${SECRET_KEY}y`)), 'response:AWS_SECRET_ACCESS_KEY:verbatim', 'response'],
    ['inside a JSON-ified Buffer', returned({ file: Buffer.from(SECRET_KEY).toJSON() }), 'response:AWS_SECRET_ACCESS_KEY:verbatim', 'response'],
  ])('finds a secret %s', (_label, outcome, signature, where) => {
    // Act
    const findings = secretLeak.check(observation({ outcome }), ctx);
    // Assert
    expect(leaks(findings)).toEqual([signature]);
    expect(findings[0]?.title).toContain(where);
    expect(findings[0]?.confidence).toBe('confirmed');
    expectMasked(findings);
  });

  it.each([0, 1, 2, 3, 4, 5])('finds a secret inside a larger base64 blob with %i leading bytes', (lead) => {
    const blob = b64(`${'x'.repeat(lead)}{"k":"${SECRET_KEY}"}tail`);
    const findings = secretLeak.check(observation({ outcome: apigw(blob) }), ctx);
    expect(leaks(findings)).toEqual(['response:AWS_SECRET_ACCESS_KEY:base64']);
    expect(findings[0]?.evidence).toContain('base64-encoded');
    expectMasked(findings);
  });

  it('finds a secret in the logs and in a thrown error', () => {
    const logged = secretLeak.check(observation({ logs: ['INFO', `config ${JSON.stringify({ k: SECRET_KEY })}`] }), ctx);
    const thrown = secretLeak.check(observation({ outcome: threw(serializedError({ message: `bad ${PASSWORD}` })) }), ctx);
    expect(leaks(logged)).toEqual(['logs:AWS_SECRET_ACCESS_KEY:verbatim']);
    expect(leaks(thrown)).toEqual(['logs:DB_PASSWORD:verbatim']);
    expect(thrown[0]?.title).toContain('thrown error');
    expectMasked([...logged, ...thrown]);
  });

  it('rates canary credentials critical and user secrets high', () => {
    const findings = secretLeak.check(observation({ outcome: apigw(`${KEY_ID} ${PASSWORD}`) }), ctx);
    const userOnly = secretLeak.check(observation({ outcome: apigw(`${PASSWORD}`) }), ctx);
    expect(leaks(findings)).toEqual(['response:AWS_ACCESS_KEY_ID:verbatim', 'response:DB_PASSWORD:verbatim']);
    expect(findings.map((f) => f.severity)).toEqual(['critical']);
    expect(userOnly.map((f) => f.severity)).toEqual(['high']);
  });

  it('reports one environment dump as one finding listing every leaked secret, masked', () => {
    const dump = JSON.stringify({ AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET_KEY, DB_PASSWORD: PASSWORD, PATH: '/usr/bin' });
    const findings = secretLeak.check(observation({ outcome: apigw(dump) }), ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'critical', signature: 'response:watched-secrets', title: '3 secrets leaked in response body: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, DB_PASSWORD' });
    expect(leaks(findings)).toEqual(['response:AWS_ACCESS_KEY_ID:verbatim', 'response:AWS_SECRET_ACCESS_KEY:verbatim', 'response:DB_PASSWORD:json-escaped']);
    expectMasked(findings);
  });

  it('reports the same dump in the response and in the logs once per destination', () => {
    const dump = `${KEY_ID} ${SECRET_KEY}`;
    const findings = secretLeak.check(observation({ outcome: apigw(dump), logs: [dump] }), ctx);
    expect(findings.map((f) => f.signature)).toEqual(['response:watched-secrets', 'logs:watched-secrets']);
  });

  it('masks evidence: name, length, encoding and an excerpt with the value replaced', () => {
    const [finding] = secretLeak.check(observation({ outcome: apigw(`before ${b64(SECRET_KEY)} after`) }), ctx);
    expect(finding?.evidence).toMatch(/^AWS_SECRET_ACCESS_KEY \(41 chars, base64-encoded\) in response body: before .*«AWS_SECRET_ACCESS_KEY».* after$/);
    expectMasked(finding === undefined ? [] : [finding]);
  });

  it('masks other occurrences and secrets cut by the excerpt window', () => {
    const body = `${SECRET_KEY}${'.'.repeat(150)}${SECRET_KEY}${'.'.repeat(75)}${PASSWORD}${'.'.repeat(20)}${b64(SECRET_KEY)}`;
    const findings = secretLeak.check(observation({ outcome: apigw(body) }), ctx);
    expect(leaks(findings)).toEqual(['response:AWS_SECRET_ACCESS_KEY:verbatim', 'response:DB_PASSWORD:verbatim']);
    expectMasked(findings);
    // no fragment of 8+ characters of any secret survives either
    for (const value of secrets.map((s) => s.value)) {
      for (let i = 0; i + 8 <= value.length; i++) expect(allText(findings)).not.toContain(value.slice(i, i + 8));
    }
  });

  it.each([
    ['an unrelated value', apigw('{"ok":true,"id":"AKIA"}'), {}],
    ['a secret shorter than 6 chars', apigw('code=abc12'), { secrets: [{ name: 'PIN', value: 'abc12', kind: 'user-secret' as const }] }],
    ['a user secret the request itself carried', apigw(`hello ${PASSWORD}`), { case: { event: { body: `hello ${PASSWORD}` } } }],
  ])('reports nothing for %s', (_label, outcome, overrides) => {
    const findings = secretLeak.check(observation({ outcome }), oracleContext({ secrets, ...overrides }));
    expect(findings).toEqual([]);
  });

  describe('generic credential shapes', () => {
    const foreignKey = 'AKIAIOSFODNN7EXAMPLE';
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1c7Zt0Zq9sVbKQ3m1x8r\n-----END RSA PRIVATE KEY-----';

    it('reports an AWS key id in the response that the event did not contain, tainted and medium', () => {
      const findings = secretLeak.check(observation({ outcome: apigw(`{"key":"${foreignKey}"}`) }), ctx);
      expect(findings).toEqual([expect.objectContaining({ confidence: 'tainted', severity: 'medium', signature: 'response:aws-access-key-id:verbatim' })]);
      expectMasked(findings, [foreignKey]);
    });

    it('reports a private key block, escaped inside a JSON body', () => {
      const findings = secretLeak.check(observation({ outcome: apigw(JSON.stringify({ pem })) }), ctx);
      expect(findings.map((f) => f.signature)).toEqual(['response:private-key:verbatim']);
      expectMasked(findings, ['MIIEpAIBAAKCAQEA1c7Zt0Zq9sVbKQ3m1x8r']);
    });

    it.each([
      ['an AKIA key echoed from the event', apigw(`{"echo":"${foreignKey}"}`), { headers: { 'x-api-key': foreignKey } }],
      ['a private key echoed from a base64 event body', apigw(pem), { body: b64(pem), isBase64Encoded: true }],
      ['a private key header without key material', apigw('use -----BEGIN PRIVATE KEY----- blocks'), {}],
      ['a key id only in the logs', apigw('ok'), {}],
    ])('reports nothing for %s', (_label, outcome, event) => {
      const obs = observation({ outcome, logs: [foreignKey] });
      expect(secretLeak.check(obs, oracleContext({ secrets, case: { event } }))).toEqual([]);
    });

    it('does not report the watched canary key id twice', () => {
      const findings = secretLeak.check(observation({ outcome: apigw(KEY_ID) }), ctx);
      expect(leaks(findings)).toEqual(['response:AWS_ACCESS_KEY_ID:verbatim']);
    });
  });

  it('survives hostile responses: cycles, throwing getters, huge arrays', () => {
    const cyclic: Record<string, unknown> = { body: 'x' };
    cyclic['self'] = cyclic;
    Object.defineProperty(cyclic, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
    cyclic['big'] = new Array(1_000_000).fill(SECRET_KEY);
    const findings = secretLeak.check(observation({ outcome: returned(cyclic) }), ctx);
    expect(leaks(findings)).toEqual(['response:AWS_SECRET_ACCESS_KEY:verbatim']);
  });

  it('always finds a secret base64-encoded inside random text, and never reveals it', () => {
    const printable = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./+=!@#'.split('')), minLength: 8, maxLength: 48 });
    fc.assert(
      fc.property(printable, fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (value, before, after) => {
        const context = oracleContext({ secrets: [{ name: 'API_TOKEN', value, kind: 'user-secret' }] });
        const findings = secretLeak.check(observation({ outcome: apigw(b64(`${before}${value}${after}`)) }), context);
        expect(leaks(findings).some((leak) => leak.startsWith('response:API_TOKEN:'))).toBe(true);
        expect(allText(findings)).not.toContain(value);
      }),
    );
  });
});

describe('oracle: secret-leak, hostile depth', () => {
  it('reads a very deep response without overflowing the stack', () => {
    let deep: unknown = SECRET_KEY;
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    const shallow = { first: SECRET_KEY, deep };
    expect(() => secretLeak.check(observation({ outcome: returned(deep) }), ctx)).not.toThrow();
    expect(secretLeak.check(observation({ outcome: returned(shallow) }), ctx)).toHaveLength(1);
  });
});
