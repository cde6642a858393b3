import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

// Acceptance: SSRF, path traversal and code injection are found through fields nested inside JSON bodies of API
// Gateway *and* SQS events, given a sample that shows the structure. Path traversal is shown for both in
// examples/07, SSRF through SQS in examples/08 and code injection through API Gateway in examples/09; these are
// the two remaining combinations, on the same sample events with a different nested body. As in the examples,
// the payload category is narrowed instead of raising the budget: a sample has ~25 attacker-controlled leaves.
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(here(path), 'utf8')) as Record<string, unknown>;

function apigwSample(body: unknown): unknown {
  return { ...json('../../../examples/07-apigw-path-traversal/event.json'), body: JSON.stringify(body) };
}

function sqsSample(body: unknown): unknown {
  const sample = json('../../../examples/07-apigw-path-traversal/sqs-event.json') as { Records: Record<string, unknown>[] };
  return { Records: [{ ...sample.Records[0], body: JSON.stringify(body) }] };
}

describe('findings through fields nested in JSON bodies, given a sample', () => {
  it('ssrf through an API Gateway body', async () => {
    const report = await fuzz({
      handler: here('../../fixtures/nested/apigw-webhook.mjs'),
      samples: [apigwSample({ hook: { target: { url: 'https://hooks.example.com/orders' } } })],
      categories: ['ssrf'],
      runs: 400,
      seed: 1,
    });
    expect(report.findings.filter((f) => f.oracle === 'ssrf').map((f) => f.injectionPoint)).toContain('body<json>.hook.target.url');
  });

  it('code injection through an SQS body', async () => {
    const report = await fuzz({
      handler: here('../../fixtures/nested/sqs-rules.mjs'),
      samples: [sqsSample({ rule: { formula: { expression: 'price * 0.9' } } })],
      categories: ['code-injection'],
      runs: 400,
      seed: 1,
    });
    const found = report.findings.filter((f) => f.oracle === 'code-injection');
    expect(found.map((f) => f.injectionPoint)).toContain('Records[0].body<json>.rule.formula.expression');
    expect(found.map((f) => f.confidence)).toContain('confirmed');
  });
});
