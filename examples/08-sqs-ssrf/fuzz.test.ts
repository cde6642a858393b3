// Shows: SSRF is found through a field nested inside the JSON body of an SQS message, given a sample event that
//        shows the structure ({"webhook":{"url":"https://hooks.example.com/orders"},"orderId":"A-1"}). eventfuzz
//        injects URLs into Records[*].body<json>.webhook.url; the network probe refuses every payload-chosen
//        destination (metadata addresses in any spelling, <canary>.canary.invalid, loopback with the token) before
//        any DNS lookup or connect, and the ssrf oracle confirms the handler tried. The twin with an origin
//        allow-list is not reported by any oracle.
// Network: none leaves the machine. The vulnerable handler's fetches are all refused in-process; the safe twin's
//        allow-list is a loopback server this test starts, which a second sample targets, so the allowed path
//        really runs (and the fuzzed variants of it, carrying tokens, are refused by the probe).
// Try:   npx vitest run --config test/vitest.config.ts examples/08-sqs-ssrf
//        npx eventfuzz fuzz examples/08-sqs-ssrf/handler.ts --sample examples/08-sqs-ssrf/sqs-event.json --seed 1 --runs 300
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from 'eventfuzz';
import { describeFindings } from 'eventfuzz/vitest';

const sample = JSON.parse(readFileSync(new URL('./sqs-event.json', import.meta.url), 'utf8')) as { Records: { body: string }[] };

/** The same event, with the webhook pointing at `url`. */
function sampleFor(url: string): unknown {
  const record = sample.Records[0]!;
  return { Records: [{ ...record, body: JSON.stringify({ ...JSON.parse(record.body), webhook: { url } }) }] };
}

describe('SQS webhook delivery that fetches JSON.parse(body).webhook.url', () => {
  it('reports confirmed SSRF at the URL nested in the message body', async () => {
    const report = await fuzz({
      handler: new URL('./handler.ts', import.meta.url),
      samples: [sample],
      seed: 1,
      runs: 300,
      categories: ['ssrf'],
    });

    const found = report.findings.filter((f) => f.oracle === 'ssrf');
    expect(found.map((f) => [f.confidence, f.injectionPoint])).toContainEqual(['confirmed', 'Records[0].body<json>.webhook.url']);
    expect(found.map((f) => f.severity)).toContain('critical'); // the metadata service, in one of its spellings
    expect(found[0]?.evidence).toContain('eventfuzz blocked it');
  });
});

describe('the twin with an origin allow-list', () => {
  let server: Server;
  let origin: string;
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req.url ?? '');
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reports nothing, from any oracle, across 5,000 runs, and still delivers to the allowed origin', async () => {
    const report = await fuzz({
      handler: new URL('./safe.ts', import.meta.url),
      samples: [sample, sampleFor(`${origin}/orders`)],
      env: { WEBHOOK_ORIGINS: origin },
      seed: 1,
      runs: 5000,
      runner: 'in-process',
    });

    expect(report.stats.runs).toBe(5000);
    expect(describeFindings(report)).toEqual([]);
    expect(received.length).toBeGreaterThan(0); // the allowed path ran for real, against loopback only
    expect(received.some((path) => /efz[a-z0-9]{12}/.test(path))).toBe(false); // tokens never reached it
  }, 120_000);
});
