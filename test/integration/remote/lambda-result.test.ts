import type { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { createLambdaRunner } from '../../../src/runners/lambda.js';
import { mapInvokeResult } from '../../../src/runners/lambda-invoke-result.js';
import { harnessErrorOf, transportErrorOf } from '../../../src/runners/lambda-sdk-errors.js';

// Invoke answers in the shapes AWS documents, for the decisions a local server cannot easily produce.
const ID = '6ea3d5b2-1c1f-4c5e-9a37-2f0d8c1b7e44';
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const tail = (...lines: string[]): string => Buffer.from(`${lines.join('\n')}\n`).toString('base64');
const failed = (payload: unknown, ...logLines: string[]) => ({ FunctionError: 'Unhandled', Payload: bytes(payload), LogResult: logLines.length === 0 ? undefined : tail(...logLines) });
const report = (status = '') => `REPORT RequestId: ${ID}\tDuration: 1234.56 ms\tBilled Duration: 1235 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t${status}`;

describe('mapInvokeResult', () => {
  it('keeps a payload that is not JSON as text', () => {
    expect(mapInvokeResult({ Payload: bytes('"unbalanced "quotes""') }, ID, 5).outcome).toEqual({ kind: 'returned', value: '"unbalanced "quotes""' });
  });

  it("takes the handler's duration from this request's REPORT line, else the wall time", () => {
    expect(mapInvokeResult({ Payload: bytes(null), LogResult: tail(report()) }, ID, 5).reportedDurationMs).toBe(1234.56);
    expect(mapInvokeResult({ Payload: bytes(null), LogResult: tail(report().replace(ID, 'other-request')) }, ID, 5).reportedDurationMs).toBeUndefined();
  });

  it('reads Sandbox.Timedout without any log tail', () => {
    const outcome = mapInvokeResult(failed({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${ID} Error: Task timed out after 2.50 seconds` }), ID, 2600).outcome;
    expect(outcome).toEqual({ kind: 'timeout', limitMs: 2500 });
  });

  it('names an error payload without errorType "Error"', () => {
    expect(mapInvokeResult(failed({ errorMessage: 'bad' }), ID, 1).outcome).toMatchObject({ kind: 'threw', error: { name: 'Error', message: 'bad', isError: true } });
  });

  it('reads the older runtimes\' timeout, a message without errorType', () => {
    const outcome = mapInvokeResult(failed({ errorMessage: `2019-04-01T10:00:00.000Z ${ID} Task timed out after 3.00 seconds` }), ID, 3100).outcome;
    expect(outcome).toEqual({ kind: 'timeout', limitMs: 3000 });
  });

  it("reads a timeout from Lambda's own line for this request in the tail", () => {
    const outcome = mapInvokeResult(failed({ errorMessage: 'gone' }, `2026-01-01T00:00:00.000Z ${ID} Task timed out after 6.00 seconds`, report('Status: timeout')), ID, 1).outcome;
    expect(outcome).toEqual({ kind: 'timeout', limitMs: 6000 });
  });

  it('does not take a thrown error or a log line that merely says "Task timed out" for a timeout', () => {
    const thrown = failed(
      { errorType: 'Error', errorMessage: 'upstream said: Task timed out after 9 seconds', trace: [] },
      `2026-01-01T00:00:00.000Z\t${ID}\tINFO\tTask timed out after 9 seconds`,
      `2026-01-01T00:00:00.000Z 00000000-0000-0000-0000-000000000000 Task timed out after 9.00 seconds`,
      report(),
    );
    expect(mapInvokeResult(thrown, ID, 1).outcome).toMatchObject({ kind: 'threw', error: { name: 'Error' } });
  });

  it('maps Runtime deaths by kind: signal, out of memory, unhandled rejection, other Runtime errors', () => {
    const death = (errorType: string, errorMessage: string) => mapInvokeResult(failed({ errorType, errorMessage }), ID, 1).outcome;
    expect(death('Runtime.ExitError', `RequestId: ${ID} Error: Runtime exited with error: signal: killed`)).toMatchObject({ kind: 'crashed', reason: 'signal', exitCode: null });
    expect(death('Runtime.OutOfMemory', `RequestId: ${ID} Error: Runtime exited with error: signal: killed`)).toMatchObject({ kind: 'crashed', reason: 'out-of-memory' });
    expect(death('Runtime.UnhandledPromiseRejection', 'Error: late')).toMatchObject({ kind: 'crashed', reason: 'unhandled-rejection', error: { message: 'Error: late' } });
    expect(death('Runtime.ImportModuleError', "Error: Cannot find module 'x'")).toMatchObject({ kind: 'crashed', reason: 'exit', exitCode: null, error: { name: 'Runtime.ImportModuleError' } });
  });

  it('maps an error payload that is not an object to a non-Error throw', () => {
    expect(mapInvokeResult({ FunctionError: 'Handled', Payload: bytes('"boom"') }, ID, 1).outcome).toMatchObject({ kind: 'threw', error: { name: 'Error', message: 'boom', isError: false } });
  });
});

describe('SDK failures', () => {
  const target = { functionName: 'orders-staging', qualifier: undefined, region: 'eu-west-1' };

  it('calls any HTTP 429 throttling, whatever the exception name', () => {
    const error = transportErrorOf({ name: 'SomethingElse', message: 'slow down', $metadata: { httpStatusCode: 429 } }, target, 'lambda:InvokeFunction');
    expect(error.name).toBe('ThrottlingError');
  });

  it('keeps the name of other failures and reports throttled configuration reads as unavailable', () => {
    expect(transportErrorOf({ name: 'ServiceException', message: 'internal', $metadata: { httpStatusCode: 500 } }, target, 'lambda:InvokeFunction')).toMatchObject({ name: 'ServiceException', message: 'internal' });
    expect(harnessErrorOf({ name: 'TooManyRequestsException', message: 'Rate Exceeded.' }, target, 'lambda:GetFunctionConfiguration')).toMatchObject({ code: 'EFZ_REMOTE_UNAVAILABLE', message: expect.stringContaining('throttled') });
  });

  it('tells rejected credentials apart from a missing permission', () => {
    const error = transportErrorOf({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' }, target, 'lambda:InvokeFunction');
    expect(error).toMatchObject({ code: 'EFZ_REMOTE_ACCESS_DENIED', message: expect.stringContaining('rejected the credentials') });
  });
});

describe('lambda runner concurrency', () => {
  it('keeps at most `concurrency` calls in flight and starts the next as one ends', async () => {
    // A stand-in client whose calls end only when the test says so: what is in flight is exact, not timed.
    const pending: (() => void)[] = [];
    const client = {
      config: { region: async () => 'us-east-1', credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) },
      send: () => new Promise((resolve) => pending.push(() => resolve({ StatusCode: 200, Payload: bytes({ ok: 1 }), $metadata: { requestId: ID } }))),
    } as unknown as LambdaClient;
    const runner = createLambdaRunner({ functionName: 'f', client, timeoutMs: 60_000, concurrency: 2 });
    expect(runner.parallelism).toBe(2);
    await runner.start();
    const calls = Array.from({ length: 5 }, (_, i) => runner.invoke({ caseId: String(i), event: {} }));
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    expect(pending).toHaveLength(2);
    pending.shift()?.();
    await settle();
    expect(pending).toHaveLength(2);
    while (pending.length > 0) {
      pending.shift()?.();
      await settle();
    }
    expect((await Promise.all(calls)).map((o) => o.outcome.kind)).toEqual(['returned', 'returned', 'returned', 'returned', 'returned']);
    await runner.close();
  });
});
