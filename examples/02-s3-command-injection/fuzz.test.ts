// Shows: an S3 handler that builds exec(`file --brief '/tmp/${key}'`) from the object key is caught by the
//        command-injection oracle (a quote in the key breaks out of the single quotes: confirmed), while the
//        twin that passes the same path to execFile as an argument is not reported.
// Try:   npx vitest run --config test/vitest.config.ts examples/02-s3-command-injection
//        npx eventfuzz fuzz examples/02-s3-command-injection/handler.mjs --source s3 --seed 1 --runs 300
//        npx eventfuzz fuzz examples/02-s3-command-injection/safe.mjs --source s3 --seed 1 --runs 1000
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';
import { describeFindings } from 'eventfuzz/vitest';

describe("S3 handler that runs exec(`file --brief '/tmp/${key}'`)", () => {
  it('reports confirmed command injection through the decoded object key', async () => {
    const report = await fuzz({
      handler: new URL('./handler.mjs', import.meta.url),
      source: 's3',
      seed: 1,
      runs: 300,
      categories: ['command-injection'],
    });

    const injections = report.findings.filter((f) => f.oracle === 'command-injection');
    expect(injections.map((f) => [f.confidence, f.injectionPoint])).toContainEqual(['confirmed', 'Records[*].s3.object.key<s3-key>']);
    const confirmed = injections.find((f) => f.confidence === 'confirmed')!;
    expect(confirmed.evidence).toContain("file --brief '/tmp/");
    expect(confirmed.evidence).toMatch(/command position/);
  });

  it('reports no command injection when the key is an execFile argument, with every payload category', async () => {
    const report = await fuzz({ handler: new URL('./safe.mjs', import.meta.url), source: 's3', seed: 1, runs: 1000 });

    expect(report.findings.filter((f) => f.oracle === 'command-injection')).toEqual([]);
    expect(describeFindings(report)).toEqual([]);
  });
});
