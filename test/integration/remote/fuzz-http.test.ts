import { afterEach, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { isHarnessError } from '../../../src/core/index.js';
import type { ApigwServer } from '../../support/apigw-server.js';
import { fixtureServers } from '../../support/apigw-server.js';
import { eventFixture } from '../../helpers/event-fixtures.js';
import { runCli } from '../../e2e/helpers.js';

/*
 * Issue 9 end to end over HTTP: `fuzz({ url })` (the CLI's --url) turns API Gateway events into real requests to a
 * server on 127.0.0.1 that builds events the way API Gateway does and runs the handler. Code injection counts only
 * when the evaluated marker comes back (and its disarmed control does not); reflection is no finding; one
 * caller's token in another's response is a state leak; the caps hold on the server's own count.
 */
const { serve, closeAll } = fixtureServers(new URL('../../fixtures/remote/http/', import.meta.url));
afterEach(async () => {
  await closeAll();
});

/** A real HTTP API event whose query is `query`: the field the handlers read. */
function sampleWithQuery(query: Record<string, string>): unknown {
  const event = eventFixture('apigw-http/proxy') as Record<string, unknown>;
  const rawQueryString = new URLSearchParams(query).toString();
  return { ...event, rawPath: '/calc', rawQueryString, queryStringParameters: query };
}

const remote = (server: ApigwServer, query: Record<string, string>, extra: Parameters<typeof fuzz>[0] = {}) =>
  fuzz({ url: server.url, samples: [sampleWithQuery(query)], seed: 9, rate: 1000, concurrency: 4, runs: 80, ...extra });

describe('fuzz --url against a local API Gateway stand-in', () => {
  it('confirms code injection by the evaluated marker in the response; its reflecting twin gives nothing', async () => {
    const evaluating = await remote(await serve('evaluates.ts'), { expr: '1+1' }, { categories: ['code-injection'] });
    const injection = evaluating.findings.find((f) => f.oracle === 'code-injection');
    expect(injection, evaluating.findings.map((f) => f.title).join('\n')).toBeDefined();
    expect(injection!.confidence).toBe('confirmed');
    expect(injection!.injectionPoint).toMatch(/queryStringParameters\.expr|rawQueryString/);
    expect(evaluating.target.kind).toBe('http');
    const reflecting = await remote(await serve('reflects.ts'), { q: 'shoes' }, { categories: ['code-injection', 'command-injection'] });
    expect(reflecting.findings.map((f) => f.oracle)).toEqual([]);
  }, 60_000);

  it("finds one caller's token handed to the next (a state leak); the twin that keeps state but answers each with its own does not", async () => {
    const leaking = await remote(await serve('shares-token.ts'), { token: 'abc' }, { concurrency: 1 });
    expect(leaking.findings.map((f) => f.oracle)).toContain('state-leak');
    const safe = await remote(await serve('own-token.ts'), { token: 'abc' }, { concurrency: 1 });
    expect(safe.findings.map((f) => f.oracle)).not.toContain('state-leak');
  }, 60_000);

  it('keeps to --max-invocations, counted by the server', async () => {
    const server = await serve('reflects.ts');
    const report = await remote(server, { q: 'shoes' }, { runs: 1000, maxInvocations: 30 });
    expect(server.requests()).toBeLessThanOrEqual(30);
    expect(report.stats.runs).toBeLessThan(1000);
  }, 60_000);

  it('refuses a production-looking URL before any request, and sources that are not API Gateway events', async () => {
    const server = await serve('reflects.ts');
    const prod = await fuzz({ url: `${server.url}/prod`, source: 'apigw-http', runs: 3 }).catch((e: unknown) => e);
    expect(isHarnessError(prod) && prod.message).toMatch(/looks like production/);
    const sqs = await fuzz({ url: server.url, source: 'sqs', runs: 3 }).catch((e: unknown) => e);
    expect(isHarnessError(sqs) && sqs.message).toMatch(/apigw-rest or apigw-http/);
    expect(server.requests()).toBe(0);
  });

  it('the CLI: --url with a --header, exit 1 on the finding; Lambda-only flags refused', async () => {
    const server = await serve('evaluates.ts');
    const result = await runCli(['fuzz', '--url', server.url, '--header', 'x-api-key: efz-test-key', '--source', 'apigw-http', '--runs', '40', '--seed', '3', '--rate', '1000', '--category', 'code-injection', '--corpus', '.scratch/remote-http-corpus']);
    expect(result.stderr).toMatch(/^eventfuzz: fuzzing http:\/\/127\.0\.0\.1:\d+\/ with seed 3 \(remote: at most 500 requests, 1000\/s, 4 in flight\)$/m);
    expect(result.stderr).not.toContain('efz-test-key');
    expect([0, 1]).toContain(result.code);
    const refused = await runCli(['fuzz', '--url', server.url, '--region', 'eu-west-1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--region applies to --function only/);
  }, 60_000);
});
