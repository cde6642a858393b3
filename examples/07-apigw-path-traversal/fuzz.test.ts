// Shows: path traversal is found through a field nested inside the JSON body of an API Gateway event, given a
//        sample event that shows the structure ({"document":{"name":"invoice.txt"}}). eventfuzz injects into
//        body<json>.document.name; the fs probe sees the read land on /etc/<canary> (a name that does
//        not exist, so nothing is read) and the path-traversal oracle confirms it. The twin that resolves the name
//        and checks containment is not reported by any oracle.
// Try:   npx vitest run --config test/vitest.config.ts examples/07-apigw-path-traversal
//        npx eventfuzz fuzz examples/07-apigw-path-traversal/handler.mjs --sample examples/07-apigw-path-traversal/event.json --seed 1 --runs 300 \
//          --category path-traversal
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';
import { describeFindings } from 'eventfuzz/vitest';

const readSample = (name: string): unknown => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'));
const sample = readSample('./event.json');

describe('REST API handler that reads join(templates, body.document.name)', () => {
  it('reports confirmed path traversal through the name nested in the JSON body', async () => {
    const report = await fuzz({
      handler: new URL('./handler.mjs', import.meta.url),
      samples: [sample],
      seed: 1,
      runs: 300,
      categories: ['path-traversal'],
    });

    const traversals = report.findings.filter((f) => f.oracle === 'path-traversal');
    expect(traversals.map((f) => [f.confidence, f.severity, f.injectionPoint])).toContainEqual([
      'confirmed',
      'high',
      'body<json>.document.name',
    ]);
    expect(traversals[0]?.evidence).toMatch(/resolved: \/etc\/efz[a-z0-9]{12}/);
  });

  it('reports nothing, from any oracle, when the name is resolved and checked for containment (5,000 runs)', async () => {
    const report = await fuzz({ handler: new URL('./safe.mjs', import.meta.url), samples: [sample], seed: 1, runs: 5000, runner: 'in-process' });

    expect(report.stats.runs).toBe(5000);
    expect(describeFindings(report)).toEqual([]);
  }, 60_000);
});

describe('SQS consumer that reads join(templates, JSON.parse(body).document.name)', () => {
  it('reports confirmed path traversal through the name nested in the message body', async () => {
    const report = await fuzz({
      handler: new URL('./sqs-handler.mjs', import.meta.url),
      samples: [readSample('./sqs-event.json')],
      seed: 1,
      runs: 300,
      categories: ['path-traversal'],
    });

    const confirmed = report.findings.filter((f) => f.oracle === 'path-traversal' && f.confidence === 'confirmed');
    // One bug, one finding, at a field of the message body whose payload causes it (the control run without
    // the payload shows nothing).
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.injectionPoint).toMatch(/^Records\[0\]\.body/);
  });
});
