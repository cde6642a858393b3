import { describe, expect, it } from 'vitest';
import type { Finding, Observation } from '../../../src/core/index.js';
import { secretLeak } from '../../../src/oracles/secret-leak.js';
import { createLambdaEnvironment } from '../../../src/runners/lambda-env.js';
import { observation, oracleContext, returned } from '../../helpers/observation.js';

// Credential shapes on a remote target, where no value is known: found in the response and in the log tail,
// reported masked; never for what the request carried, never twice for eventfuzz's own canary credentials.

const KEY_ID = 'ASIAQ3EGVEXAMPLEABCD'.replace('EXAMPLE', 'RZKWNTO');
const SECRET_KEY = 'kV9xQm2Lr7Tz+Wb4Nd8Hs1Jy6Pc3Fg0Ae5Ui/Ko1';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQ${'Dk3mQ9xLr7Tz4Wb'.repeat(10)}`;
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJyb290In0.4pcPyMD09olPSyXnrXCjTwXyr4BsezdI1AVTmud2fU4';
const DB_URL = 'postgres://orders:Sup3rS3cretPw@db.internal:5432/orders';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';

const remote = (overrides: Partial<Observation>): Observation => observation({ effects: undefined, instance: 'remote', ...overrides });
const body = (text: string) => returned({ statusCode: 200, body: text });
const ctx = oracleContext({ case: { event: { body: 'hello' } }, remote: true });
const localCtx = oracleContext({ case: { event: { body: 'hello' } } });
const signatures = (findings: readonly Finding[]) => findings.map((f) => f.signature).sort();
const allText = (findings: readonly Finding[]): string => findings.map((f) => Object.values(f).join('\n')).join('\n');

describe('secret-leak: generic credential shapes on a remote target', () => {
  it.each([
    ['an AWS key pair (key id and secret key) in the log tail', { logs: [`AWS_ACCESS_KEY_ID=${KEY_ID}`, `AWS_SECRET_ACCESS_KEY=${SECRET_KEY}`] }, 'logs:aws-key-pair:verbatim', 'high', [KEY_ID, SECRET_KEY]],
    ['an AWS key pair in the response, secret first', { outcome: body(JSON.stringify({ SecretAccessKey: SECRET_KEY, AccessKeyId: KEY_ID })) }, 'response:aws-key-pair:verbatim', 'high', [KEY_ID, SECRET_KEY]],
    ['a session token in the response', { outcome: body(`{"token":"${SESSION_TOKEN}"}`) }, 'response:aws-session-token:verbatim', 'high', [SESSION_TOKEN.slice(0, 80)]],
    ['a private key block in the logs', { logs: [`loaded key ${PEM}`] }, 'logs:private-key:verbatim', 'medium', ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7']],
    ['a JWT in the logs', { logs: [`auth header Bearer ${JWT}`] }, 'logs:jwt:verbatim', 'medium', [JWT.split('.')[2]!]],
    ['a connection string with its password in the logs', { logs: [`connecting to ${DB_URL}`] }, 'logs:connection-string:verbatim', 'high', ['Sup3rS3cretPw']],
  ] as const)('finds %s, masked', (_, overrides, signature, severity, hidden) => {
    const findings = secretLeak.check(remote(overrides), ctx);
    expect(findings).toEqual([expect.objectContaining({ oracle: 'secret-leak', confidence: 'tainted', severity, signature })]);
    for (const value of hidden) expect(allText(findings)).not.toContain(value);
  });

  it('a key id without a secret key nearby is still a key id (medium); a hex digest beside it is no secret key', () => {
    const sha = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';
    expect(signatures(secretLeak.check(remote({ logs: [`key ${KEY_ID} commit ${sha}`] }), ctx))).toEqual(['logs:aws-access-key-id:verbatim']);
  });

  it.each([
    ['a placeholder password', 'postgres://orders:****@db.internal:5432/orders'],
    ['a templated password', 'mysql://app:${DB_PASSWORD}@db:3306/app'],
    ['no password at all', 'postgres://orders@db.internal:5432/orders'],
    ['an unsigned JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.'],
    ['a product page', 'product-catalog delivery olive'],
  ])('nothing for %s', (_, text) => {
    expect(secretLeak.check(remote({ outcome: body(text), logs: [text] }), ctx)).toEqual([]);
  });

  it('a payload echoing its own text cannot trigger it: what the request carried is reflection', () => {
    const payload = `${DB_URL} ${JWT} ${KEY_ID} ${SECRET_KEY} ${SESSION_TOKEN}`;
    const echo = oracleContext({ case: { event: { body: payload } }, remote: true });
    expect(secretLeak.check(remote({ outcome: body(`you said ${payload}`), logs: [`got ${payload}`] }), echo)).toEqual([]);
  });

  it("eventfuzz's own canary credentials are reported once, as the watched secrets they are, not again as shapes", () => {
    const { env, secrets } = createLambdaEnvironment({ functionName: 'orders', region: 'eu-west-1', seed: 9, memoryLimitMb: 128, env: {} } as never);
    const dump = `AWS_ACCESS_KEY_ID=${env['AWS_ACCESS_KEY_ID']}\nAWS_SECRET_ACCESS_KEY=${env['AWS_SECRET_ACCESS_KEY']}\nAWS_SESSION_TOKEN=${env['AWS_SESSION_TOKEN']}`;
    for (const [obs, context] of [[remote({ outcome: body(dump), logs: [dump] }), oracleContext({ secrets, remote: true })], [observation({ outcome: body(dump), logs: [dump] }), oracleContext({ secrets })]] as const) {
      const findings = secretLeak.check(obs, context);
      expect(findings.map((f) => [f.signature, f.confidence])).toEqual([
        ['response:watched-secrets', 'confirmed'],
        ['logs:watched-secrets', 'confirmed'],
      ]);
    }
  });

  it('locally the logs are matched only against known values, as before', () => {
    expect(secretLeak.check(observation({ logs: [DB_URL, JWT, `${KEY_ID} ${SECRET_KEY}`] }), localCtx)).toEqual([]);
  });

  it('a deployed function with the layer (probes recorded effects) is still remote: shapes in its logs count', () => {
    const layered = observation({ logs: [`AWS_ACCESS_KEY_ID=${KEY_ID}`, `AWS_SECRET_ACCESS_KEY=${SECRET_KEY}`], effects: [], instance: '2026/12/03/[$LATEST]abc' });
    expect(signatures(secretLeak.check(layered, ctx))).toEqual(['logs:aws-key-pair:verbatim']);
  });
});
