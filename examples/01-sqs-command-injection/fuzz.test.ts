// Shows: an SQS consumer that pastes the order id of each message into exec() is caught by the
//        command-injection oracle (confirmed: the payload lands in command position), while the execFile
//        twin is not reported.
// Try:   npx vitest run --config test/vitest.config.ts examples/01-sqs-command-injection
//        npx eventfuzz fuzz examples/01-sqs-command-injection/handler.ts --source sqs --seed 1 --runs 300
//        npx eventfuzz fuzz examples/01-sqs-command-injection/safe.ts --source sqs --seed 1 --runs 1000
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';
import { describeFindings } from 'eventfuzz/vitest';

describe('SQS consumer that shells out with the order id', () => {
  it('reports confirmed command injection reached through Records[*].body', async () => {
    const report = await fuzz({
      handler: new URL('./handler.ts', import.meta.url),
      source: 'sqs',
      seed: 1,
      runs: 300,
      categories: ['command-injection'],
    });

    const injections = report.findings.filter((f) => f.oracle === 'command-injection');
    expect(injections.map((f) => ({ confidence: f.confidence, injectionPoint: f.injectionPoint }))).toContainEqual({
      confidence: 'confirmed',
      injectionPoint: expect.stringMatching(/^Records\[\*\]\.body/),
    });
    // The field the minimal case wrote, and the evidence that shows the blocked script.
    const confirmed = injections.find((f) => f.confidence === 'confirmed')!;
    expect(confirmed.field).toMatch(/^Records\[\d+\]\.body(?:<json>\.orderId)?$/);
    expect(confirmed.evidence).toContain('echo processing');
    expect(confirmed.evidence).toContain('eventfuzz blocked it');
  });

  it('reports nothing for the execFile twin, with every payload category', async () => {
    const report = await fuzz({ handler: new URL('./safe.ts', import.meta.url), source: 'sqs', seed: 1, runs: 1000 });

    expect(report.stats.runs).toBe(1000);
    expect(describeFindings(report)).toEqual([]);
  });
});
