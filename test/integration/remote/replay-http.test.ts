import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fixtureServers } from '../../support/apigw-server.js';
import { replay } from '../../../src/api/replay.js';
import { isHarnessError } from '../../../src/core/index.js';
import { eventFixture } from '../../helpers/event-fixtures.js';
import { cleanTempDirs, jsonFilesUnder, readJson, runCli, tempDir } from '../../e2e/helpers.js';

/*
 * `eventfuzz replay <corpus> --url URL`: stored findings' events go to an HTTP endpoint as `fuzz --url` sends them,
 * against the API Gateway stand-in on 127.0.0.1. A command injection found (and confirmed by its evaluated marker)
 * over HTTP still reproduces on the vulnerable handler (exit 1) and is reported fixed on its twin (exit 0).
 */
const { serve, closeAll } = fixtureServers(new URL('../../fixtures/remote/http/', import.meta.url), { recordEvents: false });
afterEach(async () => {
  await closeAll();
});
afterAll(() => cleanTempDirs());

/** A real HTTP API event whose query is `?name=world`: the field the handlers read. */
function sample(): unknown {
  const event = eventFixture('apigw-http/proxy') as Record<string, unknown>;
  return { ...event, rawPath: '/greet', rawQueryString: 'name=world', queryStringParameters: { name: 'world' } };
}

describe('replay --url', () => {
  it('a command injection found over HTTP still reproduces there (exit 1) and is fixed on the fixed twin (exit 0)', async () => {
    const vulnerable = await serve('shell-greets.ts');
    const dir = tempDir('efz-replay-http-');
    const corpus = join(dir, 'corpus');
    const samplePath = join(dir, 'sample.json');
    writeFileSync(samplePath, JSON.stringify(sample()));
    const found = await runCli(['fuzz', '--url', vulnerable.url, '--sample', samplePath, '--runs', '80', '--seed', '4', '--rate', '1000', '--category', 'command-injection', '--corpus', corpus]);
    expect(found.code, found.stderr).toBe(1);
    const files = jsonFilesUnder(corpus).filter((file) => (readJson(file) as { finding: { oracle: string } }).finding.oracle === 'command-injection');
    expect(files.length).toBeGreaterThan(0);
    const entry = readJson(files[0]!) as { target: unknown; finding: { confidence: string; evidence: string } };
    expect(entry.target).toEqual({ kind: 'http', ref: vulnerable.url });
    // Marker-confirmed: the shell's arithmetic came back, and the disarmed control did not show it.
    expect(entry.finding.confidence).toBe('confirmed');

    const before = vulnerable.requests();
    const again = await runCli(['replay', ...files, '--url', vulnerable.url, '--rate', '1000']);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toMatch(/^REPRODUCES {2}command-injection at /m);
    // Really sent over HTTP: the server counted the replayed requests.
    expect(vulnerable.requests()).toBeGreaterThan(before);
    // Without --url the entries go back to the endpoint they were found on.
    const home = await runCli(['replay', ...files, '--rate', '1000']);
    expect(home.code, home.stdout + home.stderr).toBe(1);

    const fixed = await serve('shell-greets-fixed.ts');
    const now = await runCli(['replay', ...files, '--url', fixed.url, '--rate', '1000']);
    expect(now.code, now.stdout + now.stderr).toBe(0);
    expect(now.stdout).toMatch(/^fixed +command-injection at /m);
    expect(fixed.requests()).toBeGreaterThan(0);
  }, 60_000);

  it('the remote guard holds for replay too: a production-looking URL is refused, and Lambda-only or conflicting flags are usage errors', async () => {
    const server = await serve('shell-greets-fixed.ts');
    const dir = tempDir('efz-replay-http-');
    const corpus = join(dir, 'corpus');
    const samplePath = join(dir, 'sample.json');
    writeFileSync(samplePath, JSON.stringify(sample()));
    // Any stored entry will do: one from a run against the vulnerable handler.
    const vulnerable = await serve('shell-greets.ts');
    await runCli(['fuzz', '--url', vulnerable.url, '--sample', samplePath, '--runs', '80', '--seed', '4', '--rate', '1000', '--category', 'command-injection', '--corpus', corpus]);
    const prod = await replay({ paths: [corpus], url: `${server.url}/prod`, remote: { rate: 1000 } }).catch((e: unknown) => e);
    expect(isHarnessError(prod) && prod.message).toMatch(/looks like production/);
    const both = await replay({ paths: [corpus], url: server.url, handler: 'x.ts' }).catch((e: unknown) => e);
    expect(isHarnessError(both) && both.message).toMatch(/not both/);
    const region = await runCli(['replay', corpus, '--url', server.url, '--region', 'eu-west-1']);
    expect(region.code).toBe(2);
    expect(region.stderr).toMatch(/--region applies to deployed functions only/);
    // An entry holding another source's event cannot go to an endpoint: a usage error naming the file.
    const [stored] = jsonFilesUnder(corpus);
    const sqsEntry = join(dir, 'sqs-entry.json');
    const entry = readJson(stored!) as { case: Record<string, unknown> };
    writeFileSync(sqsEntry, JSON.stringify({ ...entry, case: { ...entry.case, source: 'sqs' } }));
    const sqs = await replay({ paths: [sqsEntry], url: server.url, remote: { rate: 1000 } }).catch((e: unknown) => e);
    expect(isHarnessError(sqs) && sqs.message).toMatch(/sqs-entry\.json: an HTTP endpoint takes API Gateway events/);
    expect(server.requests()).toBe(0);
  }, 60_000);
});
