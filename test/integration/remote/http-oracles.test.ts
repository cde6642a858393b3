// The existing oracles read what the HTTP runner returns, unchanged: each vulnerable handler behind the API Gateway
// stand-in is found from the observation alone (no probes remotely), and each safe twin is not.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { FuzzCase, Observation, WatchedSecret } from '../../../src/core/index.js';
import type { OracleContext } from '../../../src/oracles/types.js';
import type { Runner } from '../../../src/runners/types.js';
import { builtinOracles, judge } from '../../../src/oracles/index.js';
import { loadPayloads } from '../../../src/payloads/index.js';
import { renderPayload } from '../../../src/payloads/types.js';
import { markerOperands } from '../../../src/core/marker.js';
import { createHttpRunner } from '../../../src/runners/http.js';
import { startApigwServer } from '../../support/apigw-server.js';

const handler = (name: string): string => fileURLToPath(new URL(`../../fixtures/remote/http/${name}.ts`, import.meta.url));
const SECRET: WatchedSecret = { name: 'EFZ_TEST_DB_PASSWORD', value: 'pg-Secret-0042-xyzzy', kind: 'user-secret' };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function runnerFor(name: string, concurrency = 1): Promise<Runner> {
  const server = await startApigwServer({ handler: handler(name), mode: 'rest', env: { [SECRET.name]: SECRET.value } });
  cleanups.push(() => server.close());
  const runner = createHttpRunner({ url: server.url, source: 'apigw-rest', timeoutMs: 3000, concurrency });
  cleanups.push(() => runner.close());
  return runner;
}

/** A REST case whose query field `field` carries `payload` (or a plain value), as the generator would build it. */
function queryCase(canary: string, field: string, payload: { id: string; family: string; text: string } | string): FuzzCase {
  const value = typeof payload === 'string' ? payload : payload.text;
  const event = { httpMethod: 'GET', path: '/calc', headers: {}, multiValueHeaders: {}, queryStringParameters: { [field]: value }, multiValueQueryStringParameters: { [field]: [value] }, body: null, isBase64Encoded: false };
  const injection = typeof payload === 'string' ? null : { point: 'queryStringParameters[*]', target: `queryStringParameters.${field}`, payloadId: payload.id, family: payload.family, placement: 'replace' as const, payload: payload.text };
  return { source: 'apigw-rest', event, canary, injection, mutators: [] };
}

const corpus = loadPayloads();
function rendered(id: string, canary: string): { id: string; family: string; text: string } {
  const payload = corpus.find((p) => p.id === id);
  if (payload === undefined) throw new Error(`no payload ${id}`);
  return { id, family: payload.family, text: renderPayload(payload.template, canary) };
}

/**
 * Judges observations in order the way the campaign does: one canary history per `observation.instance`, most recent
 * first. Every remote observation has instance 'remote', so every earlier case is in the history.
 */
async function runAll(runner: Runner, cases: readonly FuzzCase[], secrets: readonly WatchedSecret[] = []) {
  const history = new Map<string, string[]>();
  const results: { observation: Observation; findings: ReturnType<typeof judge> }[] = [];
  for (const [i, fuzzCase] of cases.entries()) {
    const observation = await runner.invoke({ caseId: `c${i}`, event: fuzzCase.event });
    const context: OracleContext = { case: fuzzCase, secrets, timeoutMs: 3000, earlierCanaries: history.get(observation.instance) };
    results.push({ observation, findings: judge(observation, builtinOracles, context) });
    history.set(observation.instance, [fuzzCase.canary, ...(history.get(observation.instance) ?? [])]);
  }
  return results;
}
const oraclesOf = (results: Awaited<ReturnType<typeof runAll>>) => results.flatMap((r) => r.findings.map((f) => f.oracle));

describe('oracles on HTTP observations', () => {
  it('secret-leak: a handler that returns its database password is found, masked', async () => {
    const [result] = await runAll(await runnerFor('leaks-secret'), [queryCase('efzaaaaaaaaaaa1', 'q', 'x')], [SECRET]);
    expect(result!.findings).toMatchObject([{ oracle: 'secret-leak', confidence: 'confirmed', title: `Secret ${SECRET.name} leaked in response body` }]);
    expect(result!.findings[0]!.evidence).not.toContain(SECRET.value);
  });

  it('secret-leak, safe twin: a handler that only uses the password is not', async () => {
    expect(oraclesOf(await runAll(await runnerFor('keeps-secret'), [queryCase('efzaaaaaaaaaaa1', 'q', 'x')], [SECRET]))).toEqual([]);
  });

  it("state-leak: one caller's token served to the next is found across two requests, all on instance 'remote'", async () => {
    const runner = await runnerFor('shares-token');
    const results = await runAll(runner, [queryCase('efzfirstcaller1', 'token', 'efzfirstcaller1'), queryCase('efzsecondcalr02', 'token', 'efzsecondcalr02')]);
    expect(results.map((r) => r.observation.instance)).toEqual(['remote', 'remote']);
    expect(results[0]!.findings).toEqual([]);
    expect(results[1]!.findings).toMatchObject([{ oracle: 'state-leak', severity: 'high', earlierCanary: 'efzfirstcaller1' }]);
  });

  it('state-leak, safe twin: module state that never crosses callers is not', async () => {
    const results = await runAll(await runnerFor('own-token'), [queryCase('efzfirstcaller1', 'token', 'efzfirstcaller1'), queryCase('efzsecondcalr02', 'token', 'efzsecondcalr02')]);
    expect(oraclesOf(results)).toEqual([]);
  });

  it("code-injection: an endpoint that evaluates the query is confirmed by the computed marker '<canary><a*b>'", async () => {
    const canary = 'efzevalcanary01';
    const { a, b } = markerOperands(canary);
    const [result] = await runAll(await runnerFor('evaluates'), [queryCase(canary, 'expr', rendered('code-expression', canary))]);
    expect(result!.observation.outcome).toMatchObject({ kind: 'returned', value: { body: `result: ${canary}${a * b}` } });
    expect(result!.findings).toMatchObject([{ oracle: 'code-injection', confidence: 'confirmed', signature: 'unprobed-sink@queryStringParameters[*]' }]);
  });

  it('code-injection, negative control: the same endpoint with a value that cannot compute the marker is not', async () => {
    const canary = 'efzevalcanary01';
    const control = { id: 'control', family: 'code-injection', text: `'${canary}'+'6*7'` };
    const [result] = await runAll(await runnerFor('evaluates'), [queryCase(canary, 'expr', control)]);
    expect(result!.observation.outcome).toMatchObject({ value: { body: `result: ${canary}6*7` } });
    expect(result!.findings).toEqual([]);
  });

  it.each([
    ['code-expression', 'code-injection'],
    ['code-single-quote-concat', 'code-injection'],
    ['ci-semicolon', 'command-injection'],
    ['ci-subshell', 'command-injection'],
  ])('reflection: an endpoint that echoes %s (%s) without running it yields no finding', async (id) => {
    const canary = 'efzreflectcan01';
    const results = await runAll(await runnerFor('reflects'), [queryCase(canary, 'q', rendered(id, canary))]);
    expect(results[0]!.observation.outcome).toMatchObject({ kind: 'returned', value: { body: `you searched for: ${rendered(id, canary).text}` } });
    expect(oraclesOf(results)).toEqual([]);
  });

  it('error-disclosure: a stack trace in an error response is found; a generic error response is not', async () => {
    const runner = await runnerFor('shaped');
    const results = await runAll(runner, [queryCase('efzstackcanary1', 'want', 'stack'), queryCase('efzstackcanary2', 'want', 'own-500')]);
    expect(results[0]!.findings.map((f) => f.oracle)).toContain('error-disclosure');
    expect(results[1]!.findings).toEqual([]);
  });
});
