import type { InvokeApiServer } from '../../support/invoke-api-server.js';
import type { Runner } from '../../../src/runners/types.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvokeApiServer } from '../../support/invoke-api-server.js';
import { fixture, isolateAws, startRunner } from './lambda-helpers.js';

const SECRET = 'efz-db-password-7f3a91';
let server: InvokeApiServer;
let restoreAws: () => void;
let scratch: string;
const runners: Runner[] = [];

beforeAll(async () => {
  restoreAws = isolateAws();
  scratch = mkdtempSync(join(tmpdir(), 'efz-lambda-runner-'));
  server = await startInvokeApiServer({
    functions: {
      returns: { file: fixture('returns.mjs') },
      throws: { file: fixture('throws.mjs') },
      exits: { file: fixture('exits.mjs') },
      hangs: { file: fixture('hangs.mjs'), timeoutS: 0.5 },
      'hangs-long': { file: fixture('hangs.mjs'), timeoutS: 60 },
      'logs-secret': { file: fixture('logs-secret.mjs'), environment: { DB_PASSWORD: SECRET } },
      'logs-context': { file: fixture('logs-context.mjs'), memoryMb: 256, aliases: { live: '7' } },
      floods: { file: fixture('floods-log.mjs') },
      greets: { file: fixture('command-injection.mjs') },
      throttled: { file: fixture('returns.mjs'), reservedConcurrency: 0 },
      gated: { file: fixture('waits-for-file.mjs'), reservedConcurrency: 1 },
      denied: { file: fixture('returns.mjs'), deniedActions: ['lambda:InvokeFunction'] },
    },
  });
});

afterAll(async () => {
  await Promise.all(runners.map((runner) => runner.close()));
  await server?.close();
  restoreAws?.();
  rmSync(scratch, { recursive: true, force: true });
});

async function invokeOnce(functionName: string, event: unknown, extra: { timeoutMs?: number; qualifier?: string; concurrency?: number } = {}) {
  const runner = await startRunner(server.url, { functionName, ...extra });
  runners.push(runner);
  return runner.invoke({ caseId: 'c1', event });
}

describe('lambda runner against the Invoke API server', () => {
  it('maps a returned payload to returned, with the log tail and no effects', async () => {
    const observation = await invokeOnce('returns', { a: 2, b: 3 });
    expect(observation.outcome).toEqual({ kind: 'returned', value: { ok: true, sum: 5 } });
    expect(observation.effects).toBeUndefined();
    expect(observation.instance).toBe('remote');
    expect(observation.caseId).toBe('c1');
    expect(observation.logs[0]).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/);
    expect(observation.logs.at(-1)).toMatch(/^REPORT RequestId: .*\tDuration: [\d.]+ ms/);
    // The handler's own duration from REPORT, not the wall time with the HTTP round trip.
    expect(observation.logs.at(-1)).toContain(`\tDuration: ${observation.durationMs.toFixed(2)} ms`);
    const request = server.requests.at(-1);
    expect(request).toMatchObject({ operation: 'Invoke', invocationType: 'RequestResponse', logType: 'Tail', qualifier: undefined });
  });

  it('maps a thrown error to threw, named by its errorType, with the trace as stack', async () => {
    const observation = await invokeOnce('throws', { id: 7 });
    expect(observation.outcome.kind).toBe('threw');
    if (observation.outcome.kind !== 'threw') return;
    expect(observation.outcome.error).toMatchObject({ name: 'TypeError', message: 'cannot read order 7', isError: true });
    expect(observation.outcome.error.stack).toContain('throws.mjs');
    expect(observation.logs.some((line) => line.includes('Invoke Error'))).toBe(true);
  });

  it('maps process.exit to crashed (exit) with the exit code from Runtime.ExitError', async () => {
    const observation = await invokeOnce('exits', { code: 3 });
    expect(observation.outcome).toMatchObject({ kind: 'crashed', reason: 'exit', exitCode: 3, error: { name: 'Runtime.ExitError' } });
    expect(observation.logs.some((line) => line.endsWith('about to exit'))).toBe(true);
    expect(observation.logs).toContain('Runtime.ExitError');
  });

  it("maps Lambda's own timeout to timeout with the function's limit, and the next call gets a fresh environment", async () => {
    const runner = await startRunner(server.url, { functionName: 'hangs' });
    runners.push(runner);
    const observation = await runner.invoke({ caseId: 'h1', event: {} });
    expect(observation.outcome).toEqual({ kind: 'timeout', limitMs: 500 });
    expect(observation.logs.some((line) => line.includes('waiting forever'))).toBe(true);
    expect(observation.logs.some((line) => / Task timed out after 0\.50 seconds$/.test(line))).toBe(true);
    const again = await runner.invoke({ caseId: 'h2', event: {} });
    expect(again.outcome).toEqual({ kind: 'timeout', limitMs: 500 });
    expect(again.logs.find((line) => line.startsWith('REPORT'))).toContain('Init Duration');
  });

  it('bounds a call on the client side: past timeoutMs the outcome is timeout with that limit', async () => {
    const observation = await invokeOnce('hangs-long', {}, { timeoutMs: 300 });
    expect(observation.outcome).toEqual({ kind: 'timeout', limitMs: 300 });
    expect(observation.logs).toEqual([]);
  });

  it('puts a secret the handler printed, which only the log tail carries, in logs', async () => {
    const observation = await invokeOnce('logs-secret', {});
    expect(observation.outcome).toEqual({ kind: 'returned', value: { ok: true } });
    expect(observation.logs.some((line) => line.includes(`password=${SECRET}`))).toBe(true);
  });

  it('keeps only the last 4 KB of a long log, as Lambda sends it', async () => {
    const observation = await invokeOnce('floods', {});
    const text = observation.logs.join('\n');
    expect(text).toContain('LAST-LINE');
    expect(text).not.toContain('FIRST-LINE');
    expect(Buffer.byteLength(`${text}\n`)).toBeLessThanOrEqual(4096);
  });

  it('names the instance by the log stream when the log shows it, stable across warm invocations', async () => {
    const runner = await startRunner(server.url, { functionName: 'logs-context' });
    runners.push(runner);
    const first = await runner.invoke({ caseId: 'a', event: {} });
    const second = await runner.invoke({ caseId: 'b', event: {} });
    expect(first.instance).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(second.instance).toBe(first.instance);
  });

  it('sends the qualifier: the alias runs its version', async () => {
    const observation = await invokeOnce('logs-context', {}, { qualifier: 'live' });
    expect(observation.outcome).toEqual({ kind: 'returned', value: { version: '7' } });
    expect(server.requests.at(-1)?.qualifier).toBe('live');
  });

  it('shows evaluated shell output in the response and the log tail for a benign command injection', async () => {
    const observation = await invokeOnce('greets', { name: ';echo abc$((6*7))' });
    expect(observation.outcome).toEqual({ kind: 'returned', value: { greeting: 'Hello\nabc42\n' } });
    expect(observation.logs.some((line) => line.includes('abc42'))).toBe(true);
    const control = await invokeOnce('greets', { name: "'abc$((6*7))'" });
    expect(control.outcome).toEqual({ kind: 'returned', value: { greeting: 'Hello abc$((6*7))\n' } });
    // The fixture's own safety net: anything but echo and arithmetic is never run.
    for (const name of [';ls', '$(id)', 'a|cat', '`id`']) expect((await invokeOnce('greets', { name })).outcome).toEqual({ kind: 'returned', value: { refused: true } });
  });

  it('returns throttling as a ThrottlingError transport error, sent once (the SDK does not retry it)', async () => {
    const observation = await invokeOnce('throttled', { a: 1 });
    expect(observation.outcome.kind).toBe('transport-error');
    if (observation.outcome.kind !== 'transport-error') return;
    expect(observation.outcome.error).toMatchObject({ name: 'ThrottlingError', code: 'TooManyRequestsException' });
    expect(observation.outcome.error.message).toContain('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(server.throttles('throttled')).toBe(1);
    expect(server.invocations('throttled')).toBe(0);
  });

  it('is throttled while another invocation holds the only reserved slot, and not after', async () => {
    const runner = await startRunner(server.url, { functionName: 'gated', concurrency: 2 });
    runners.push(runner);
    const file = join(scratch, 'release-gate');
    const held = runner.invoke({ caseId: 'held', event: { file } });
    await server.whenInFlight('gated', 1);
    const second = await runner.invoke({ caseId: 'second', event: { file } });
    expect(second.outcome).toMatchObject({ kind: 'transport-error', error: { name: 'ThrottlingError' } });
    writeFileSync(file, '');
    expect((await held).outcome).toEqual({ kind: 'returned', value: { released: true } });
    expect((await runner.invoke({ caseId: 'third', event: { file } })).outcome.kind).toBe('returned');
  });

  it('reports an unknown function as a transport error that says what to check, never a rejection', async () => {
    const observation = await invokeOnce('no-such-function', {});
    expect(observation.outcome.kind).toBe('transport-error');
    if (observation.outcome.kind !== 'transport-error') return;
    expect(observation.outcome.error).toMatchObject({ name: 'ResourceNotFoundException', code: 'EFZ_REMOTE_NOT_FOUND' });
    expect(observation.outcome.error.message).toMatch(/"no-such-function".*not found.*--region/);
  });

  it('names the missing IAM action when invoking is denied', async () => {
    const observation = await invokeOnce('denied', {});
    expect(observation.outcome).toMatchObject({ kind: 'transport-error', error: { name: 'AccessDeniedException', code: 'EFZ_REMOTE_ACCESS_DENIED' } });
    if (observation.outcome.kind !== 'transport-error') return;
    expect(observation.outcome.error.message).toContain('needs the lambda:InvokeFunction permission');
  });
});
