// Shows: code injection is found through a field nested inside the JSON body of an API Gateway event, given a
//        sample event that shows the structure ({"rule":{"expression":"price * 0.9"}}). eventfuzz injects into
//        body<json>.rule.expression; the code-eval probe sees the payload handed to new Function, the payload
//        calls the canary function efzcanary(<token>), and the code-injection oracle confirms it. The twin that
//        checks a whitelist grammar and never compiles client text is not reported by any oracle.
// Try:   npx vitest run --config test/vitest.config.ts examples/09-apigw-code-injection
//        npx eventfuzz fuzz examples/09-apigw-code-injection/handler.mjs --sample examples/09-apigw-code-injection/event.json --seed 1 --runs 300
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';
import { describeFindings } from 'eventfuzz/vitest';

const sample: unknown = JSON.parse(readFileSync(new URL('./event.json', import.meta.url), 'utf8'));

describe('REST API handler that compiles body.rule.expression with new Function', () => {
  it('reports confirmed code injection through the expression nested in the JSON body', async () => {
    const report = await fuzz({
      handler: new URL('./handler.mjs', import.meta.url),
      samples: [sample],
      seed: 1,
      runs: 300,
      categories: ['code-injection'],
    });

    const injections = report.findings.filter((f) => f.oracle === 'code-injection');
    expect(injections.map((f) => [f.confidence, f.severity, f.injectionPoint])).toContainEqual(['confirmed', 'critical', 'body<json>.rule.expression']);
    const confirmed = injections.find((f) => f.confidence === 'confirmed')!;
    expect(confirmed.title).toBe('Code injection via Function');
    expect(confirmed.evidence).toMatch(/code: function anonymous\(price\n\) \{\nreturn /);
    expect(confirmed.evidence).toMatch(/It ran: the canary function ran: efzcanary\('efz[a-z0-9]{12}'\) called from .*handler\.mjs:\d+:\d+/);
  });

  it('reports nothing, from any oracle, when the rule is parsed by a whitelist grammar (5,000 runs)', async () => {
    const report = await fuzz({ handler: new URL('./safe.mjs', import.meta.url), samples: [sample], seed: 1, runs: 5000, runner: 'in-process' });

    expect(report.stats.runs).toBe(5000);
    expect(describeFindings(report)).toEqual([]);
  }, 60_000);
});
