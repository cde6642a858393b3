// Shows: prototype pollution is found through the preferences object of an SQS message, given a sample event
//        that shows the structure. eventfuzz writes {"__proto__":{"<token>":"1"}} (and constructor.prototype
//        variants) into Records[0].body<json>.preferences.*; the prototype probe sees Object.prototype gain the
//        key <token>, restores it, and the prototype-pollution oracle confirms it. The twin that skips __proto__,
//        constructor and prototype is not reported by any oracle.
// Try:   npx vitest run --config test/vitest.config.ts examples/10-sqs-prototype-pollution
//        npx eventfuzz fuzz examples/10-sqs-prototype-pollution/handler.mjs --sample examples/10-sqs-prototype-pollution/event.json --seed 1 --runs 300 \
//          --category prototype-pollution
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';
import { describeFindings } from 'eventfuzz/vitest';

const sample: unknown = JSON.parse(readFileSync(new URL('./event.json', import.meta.url), 'utf8'));

describe('SQS consumer that deep-merges message preferences into defaults', () => {
  it('reports confirmed prototype pollution of Object.prototype through the preferences', async () => {
    const report = await fuzz({
      handler: new URL('./handler.mjs', import.meta.url),
      samples: [sample],
      seed: 1,
      runs: 300,
      categories: ['prototype-pollution'],
    });

    const pollutions = report.findings.filter((f) => f.oracle === 'prototype-pollution');
    expect(pollutions.map((f) => [f.confidence, f.severity, f.title])).toContainEqual([
      'confirmed',
      'high',
      'Prototype pollution: Object.prototype.<canary> set from the event',
    ]);
    const confirmed = pollutions.find((f) => f.confidence === 'confirmed')!;
    expect(confirmed.injectionPoint).toMatch(/^Records\[0\]\.body<json>\.preferences\./);
    expect(confirmed.evidence).toMatch(/change: added Object\.prototype\.efz[a-z0-9]{12} = "1"/);
    // Restored after every invocation: the test's own realm is clean.
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('reports nothing, from any oracle, when the merge skips prototype keys (5,000 runs)', async () => {
    const report = await fuzz({ handler: new URL('./safe.mjs', import.meta.url), samples: [sample], seed: 1, runs: 5000, runner: 'in-process' });

    expect(report.stats.runs).toBe(5000);
    expect(describeFindings(report)).toEqual([]);
  }, 60_000);
});
