// Shows: an SNS subscriber that trusts its message shape is caught by the crash oracle (it throws on
//        plain-text messages, other event types and injected values of the wrong type), while the twin that
//        validates the message first is not reported. The handler is CommonJS: eventfuzz loads .cjs as well.
// Try:   npx vitest run --config test/vitest.config.ts examples/04-sns-crash
//        npx eventfuzz fuzz examples/04-sns-crash/handler.cjs --source sns --seed 1 --runs 300
//        npx eventfuzz fuzz examples/04-sns-crash/handler.cjs --sample examples/04-sns-crash/event.json --seed 1 --runs 300
import { readFileSync } from 'node:fs';
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

  it('finds the wrong-typed item name once it has an order to inject into', async () => {
    // Generated messages are orders only now and then, and an order has a dozen leaves: a sample of the real
    // message makes each of its fields a target of its own, so the name gets an object instead of a string.
    const sample = JSON.parse(readFileSync(new URL('./event.json', import.meta.url), 'utf8')) as unknown;
    const report = await fuzz({ handler: new URL('./handler.cjs', import.meta.url), samples: [sample], seed: 1, runs: 300 });

    const retyped = report.findings.filter((f) => f.oracle === 'crash' && f.injectionPoint?.endsWith('.name') === true);
    expect(retyped.map((f) => f.injectionPoint)).toEqual(['Records[0].Sns.Message<json>.items[0].name']);
    expect(retyped[0]!.evidence).toMatch(/trim is not a function/);
  });

  it('reports nothing for the twin that validates first, with every payload category', async () => {
    const report = await fuzz({ handler: new URL('./safe.cjs', import.meta.url), source: 'sns', seed: 1, runs: 1000 });

    expect(describeFindings(report)).toEqual([]);
  });
});
