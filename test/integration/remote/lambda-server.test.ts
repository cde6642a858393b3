import type { InvokeApiServer } from '../../support/invoke-api-server.js';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInvokeApiServer } from '../../support/invoke-api-server.js';
import { fixture } from './lambda-helpers.js';

// The Invoke API server's own promises, checked with the bare SDK: what the runner tests rely on.
let server: InvokeApiServer;
let client: LambdaClient;

beforeAll(async () => {
  server = await startInvokeApiServer({
    functions: {
      returns: { file: fixture('returns.mjs') },
      missing: { file: fixture('returns.mjs'), exportName: 'nothingHere' },
    },
  });
  client = new LambdaClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'AKIDEFZSERVERTEST01', secretAccessKey: 'dummy' }, maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await server?.close();
});

const text = (payload: Uint8Array | undefined): string => new TextDecoder().decode(payload);

describe('Invoke API server', () => {
  it('answers 400 InvalidRequestContentException for a payload that is not JSON', async () => {
    await expect(client.send(new InvokeCommand({ FunctionName: 'returns', Payload: new TextEncoder().encode('not json') }))).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(server.invocations('returns')).toBe(0);
  });

  it('answers DryRun with 204 without running the handler, and runs an Event invocation after a 202', async () => {
    const dry = await client.send(new InvokeCommand({ FunctionName: 'returns', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
    expect(server.invocations('returns')).toBe(0);
    const queued = await client.send(new InvokeCommand({ FunctionName: 'returns', InvocationType: 'Event', Payload: new TextEncoder().encode('{}') }));
    expect(queued.StatusCode).toBe(202);
    expect(server.invocations('returns')).toBe(1);
  });

  it('accepts a full ARN as the function name and reports the executed version', async () => {
    const answer = await client.send(new InvokeCommand({ FunctionName: `arn:aws:lambda:us-east-1:${server.accountId}:function:returns`, Payload: new TextEncoder().encode('{"a":1,"b":1}') }));
    expect([answer.StatusCode, answer.ExecutedVersion, answer.FunctionError, text(answer.Payload)]).toEqual([200, '$LATEST', undefined, '{"ok":true,"sum":2}']);
    expect(answer.LogResult).toBeUndefined(); // no LogType: Tail asked for
  });

  it('reports a handler that is not exported as Runtime.HandlerNotFound', async () => {
    const answer = await client.send(new InvokeCommand({ FunctionName: 'missing', LogType: 'Tail' }));
    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(answer.Payload))).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'returns.nothingHere is undefined or not exported' });
    expect(Buffer.from(answer.LogResult ?? '', 'base64').toString()).toContain('Uncaught Exception');
  });

  it("throttles with ConcurrentInvocationLimitExceeded past the account's limit", async () => {
    const limited = await startInvokeApiServer({ functions: { returns: { file: fixture('returns.mjs') }, gated: { file: fixture('waits-for-file.mjs') } }, concurrencyLimit: 1 });
    const client = new LambdaClient({ region: 'us-east-1', endpoint: limited.url, credentials: { accessKeyId: 'AKIDEFZSERVERTEST01', secretAccessKey: 'dummy' }, maxAttempts: 1 });
    const server = limited;
    const file = `/nonexistent-efz-gate-${process.pid}`;
    const held = client.send(new InvokeCommand({ FunctionName: 'gated', Payload: new TextEncoder().encode(JSON.stringify({ file })) }), { abortSignal: AbortSignal.timeout(60_000) });
    held.catch(() => undefined);
    await server.whenInFlight('gated', 1);
    await expect(client.send(new InvokeCommand({ FunctionName: 'returns' }))).rejects.toMatchObject({ name: 'TooManyRequestsException', Reason: 'ConcurrentInvocationLimitExceeded', $metadata: { httpStatusCode: 429 } });
    expect(server.throttles('returns')).toBe(1);
    client.destroy();
    await limited.close();
  });
});
