// Shows: a REST API handler whose "invalid JSON" error response includes process.env is caught by the
//        secret-leak oracle. eventfuzz plants canary AWS credentials in the handler's environment (and watches
//        the secrets you name, here DB_PASSWORD), so a leak is proven, not guessed; the report itself never
//        repeats a secret value. The twin that returns a generic error is not reported.
// Try:   npx vitest run --config test/vitest.config.ts examples/03-apigw-secret-leak
//        DB_PASSWORD=correct-horse-battery-staple npx eventfuzz fuzz examples/03-apigw-secret-leak/handler.mjs \
//          --source apigw-rest --seed 1 --runs 300 --secret DB_PASSWORD
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';
import { describeFindings } from 'eventfuzz/vitest';

// A secret of our own, so the test can check the report never contains it. The canary credentials are
// generated per seed inside eventfuzz; the test never sees their values, only their masked markers.
const DB_PASSWORD = 'correct-horse-battery-staple-7f3c9a';
const secretOptions = { env: { DB_PASSWORD }, secrets: ['DB_PASSWORD'] } as const;

describe('REST API handler that returns process.env on a bad body', () => {
  it('reports the leaked canary credentials and the named secret, without repeating them', async () => {
    const report = await fuzz({ handler: new URL('./handler.mjs', import.meta.url), source: 'apigw-rest', seed: 1, runs: 300, ...secretOptions });

    // One environment dump is one bug: one finding that lists every secret it revealed.
    const leaks = report.findings.filter((f) => f.oracle === 'secret-leak');
    expect(leaks).toHaveLength(1);
    const canary = leaks[0]!;
    expect(canary.title).toMatch(/secrets leaked in response/);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD']) expect(canary.title).toContain(name);
    // A payload that breaks the JSON body is what reaches the error path.
    expect(canary).toMatchObject({ confidence: 'confirmed', severity: 'critical', injectionPoint: 'body<http-body>' });

    // Evidence names the secret and masks every value: «AWS_SECRET_ACCESS_KEY», «DB_PASSWORD», …
    for (const leak of leaks) {
      expect(leak.evidence).toMatch(/«[A-Z_]+»/);
      expect(leak.evidence).not.toMatch(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/); // no access key id
      expect(leak.evidence).not.toMatch(/AWS_SECRET_ACCESS_KEY":"[A-Za-z0-9+/]{40}"/); // no secret key
    }
    expect(canary.evidence).toContain('«AWS_SECRET_ACCESS_KEY»');
    expect(JSON.stringify(report)).not.toContain(DB_PASSWORD);
  });

  it('reports nothing for the twin that returns a generic error, with every payload category', async () => {
    const report = await fuzz({ handler: new URL('./safe.mjs', import.meta.url), source: 'apigw-rest', seed: 1, runs: 1000, ...secretOptions });

    expect(describeFindings(report)).toEqual([]);
  });
});
