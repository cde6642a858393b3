// Shows: an SNS subscriber that trusts its message shape is caught by the crash oracle (it throws on
//        plain-text messages, other event types and injected values of the wrong type), while the twin that
//        validates the message first is not reported. The handler is CommonJS: eventfuzz loads .cjs as well.
// Try:   npx vitest run --config test/vitest.config.ts examples/04-sns-crash
//        npx eventfuzz fuzz examples/04-sns-crash/handler.cjs --source sns --seed 1 --runs 300
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';
import { describeFindings } from 'eventfuzz/vitest';

describe('SNS subscriber that trusts the message to be an order', () => {
  it('reports the crashes', async () => {
    const report = await fuzz({ handler: new URL('./handler.cjs', import.meta.url), source: 'sns', seed: 1, runs: 300 });

    // A plain valid SNS message (not an order) already breaks JSON.parse: eventfuzz reports that as a baseline
    // problem, before any payload, and the payload-driven crashes as findings.
    const crashes = [...report.baseline.problems, ...report.findings].filter((f) => f.oracle === 'crash');
    expect(crashes.length).toBeGreaterThan(0);
    // Distinct bugs are distinct findings: at least a SyntaxError (not JSON) and a TypeError (wrong shape).
    expect(crashes.map((f) => f.title)).toEqual(expect.arrayContaining(['Handler threw SyntaxError', 'Handler threw TypeError']));
    for (const crash of crashes) expect(crash.evidence).toMatch(/handler\.cjs/);
  });

  it('reports nothing for the twin that validates first, with every payload category', async () => {
    const report = await fuzz({ handler: new URL('./safe.cjs', import.meta.url), source: 'sns', seed: 1, runs: 1000 });

    expect(describeFindings(report)).toEqual([]);
  });
});
