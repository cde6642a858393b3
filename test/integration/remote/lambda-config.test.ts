import type { InvokeApiServer } from '../../support/invoke-api-server.js';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaRunner, getLambdaConfiguration } from '../../../src/runners/lambda.js';
import { startInvokeApiServer } from '../../support/invoke-api-server.js';
import { ENV_ACCESS_KEY, fixture, isolateAws, writeAwsFiles } from './lambda-helpers.js';

let server: InvokeApiServer;
let restoreAws: (() => void) | undefined;

beforeAll(async () => {
  server = await startInvokeApiServer({
    functions: {
      configured: { file: fixture('returns.mjs'), memoryMb: 1024, timeoutS: 30, environment: { DB_PASSWORD: 'efz-config-secret', STAGE: 'staging' }, aliases: { live: '4' } },
      bare: { file: fixture('returns.mjs'), logGroup: '/custom/bare' },
      private: { file: fixture('returns.mjs'), deniedActions: ['lambda:GetFunctionConfiguration'] },
    },
  });
});
afterAll(() => server?.close());
beforeEach(() => {
  restoreAws = isolateAws();
});
afterEach(() => restoreAws?.());

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('getLambdaConfiguration', () => {
  it('reads memory, timeout, environment and ARN', async () => {
    const config = await getLambdaConfiguration({ functionName: 'configured', endpoint: server.url });
    expect(config).toEqual({
      memoryMb: 1024,
      timeoutS: 30,
      environment: { DB_PASSWORD: 'efz-config-secret', STAGE: 'staging' },
      functionArn: `arn:aws:lambda:us-east-1:${server.accountId}:function:configured`,
      logGroup: '/aws/lambda/configured',
    });
    expect(server.requests.at(-1)).toMatchObject({ operation: 'GetFunctionConfiguration', functionName: 'configured' });
  });

  it('asks about the qualified function, and reports no environment when none is set', async () => {
    const qualified = await getLambdaConfiguration({ functionName: 'configured', qualifier: 'live', endpoint: server.url });
    expect(qualified.functionArn.endsWith(':configured:live')).toBe(true);
    const bare = await getLambdaConfiguration({ functionName: 'bare', endpoint: server.url });
    expect(bare).toMatchObject({ memoryMb: 128, timeoutS: 3, environment: undefined, logGroup: '/custom/bare' });
  });

  it('rejects with EFZ_REMOTE_NOT_FOUND for an unknown function or qualifier', async () => {
    await expect(getLambdaConfiguration({ functionName: 'nope', endpoint: server.url })).rejects.toMatchObject({ code: 'EFZ_REMOTE_NOT_FOUND', message: expect.stringContaining('"nope"') });
    await expect(getLambdaConfiguration({ functionName: 'configured', qualifier: 'gone', endpoint: server.url })).rejects.toMatchObject({
      code: 'EFZ_REMOTE_NOT_FOUND',
      message: expect.stringContaining('qualifier gone'),
    });
  });

  it('names lambda:GetFunctionConfiguration when reading the configuration is denied', async () => {
    await expect(getLambdaConfiguration({ functionName: 'private', endpoint: server.url })).rejects.toMatchObject({
      name: 'HarnessError',
      code: 'EFZ_REMOTE_ACCESS_DENIED',
      message: expect.stringContaining('needs the lambda:GetFunctionConfiguration permission'),
    });
  });

  it('rejects with EFZ_REMOTE_UNAVAILABLE when the endpoint cannot be reached', async () => {
    const port = await closedPort();
    await expect(getLambdaConfiguration({ functionName: 'bare', endpoint: `http://127.0.0.1:${port}` })).rejects.toMatchObject({ code: 'EFZ_REMOTE_UNAVAILABLE' });
  });
});

describe('lambda runner: client, credentials and region', () => {
  it('uses the named profile through the SDK chain, and the environment credentials without one', async () => {
    writeAwsFiles({ credentials: '[staging]\naws_access_key_id = AKIDEFZPROFILE000001\naws_secret_access_key = efz-dummy-profile-secret\n' });
    for (const [profile, key] of [['staging', 'AKIDEFZPROFILE000001'], [undefined, ENV_ACCESS_KEY]] as const) {
      const runner = createLambdaRunner({ functionName: 'bare', endpoint: server.url, timeoutMs: 5000, concurrency: 1, ...(profile === undefined ? {} : { profile }) });
      await runner.start();
      const observation = await runner.invoke({ caseId: 'p', event: {} });
      await runner.close();
      expect(observation.outcome.kind).toBe('returned');
      expect(server.requests.at(-1)?.accessKeyId).toBe(key);
    }
  });

  it('takes the region from a function ARN when none is given', async () => {
    restoreAws?.();
    restoreAws = isolateAws({ AWS_REGION: undefined });
    const runner = createLambdaRunner({ functionName: `arn:aws:lambda:eu-west-1:${server.accountId}:function:bare`, endpoint: server.url, timeoutMs: 5000, concurrency: 1 });
    await runner.start();
    const observation = await runner.invoke({ caseId: 'arn', event: {} });
    await runner.close();
    expect(observation.outcome.kind).toBe('returned');
    expect(server.requests.at(-1)).toMatchObject({ functionName: 'bare', signingRegion: 'eu-west-1' });
  });

  it('fails start() with a HarnessError naming --region when no region can be found', async () => {
    restoreAws?.();
    restoreAws = isolateAws({ AWS_REGION: undefined });
    const runner = createLambdaRunner({ functionName: 'bare', endpoint: server.url, timeoutMs: 5000, concurrency: 1 });
    await expect(runner.start()).rejects.toMatchObject({ code: 'EFZ_CONFIG_INVALID', message: expect.stringContaining('--region') });
    await runner.close();
  });

  it('fails start() with a HarnessError when the standard chain finds no credentials', async () => {
    restoreAws?.();
    restoreAws = isolateAws({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    const runner = createLambdaRunner({ functionName: 'bare', endpoint: server.url, timeoutMs: 5000, concurrency: 1 });
    await expect(runner.start()).rejects.toMatchObject({ code: 'EFZ_CONFIG_INVALID', message: expect.stringContaining('No AWS credentials') });
    await runner.close();
  });

  it('turns a refused connection into a transport error, never a rejection', async () => {
    const port = await closedPort();
    const runner = createLambdaRunner({ functionName: 'bare', endpoint: `http://127.0.0.1:${port}`, timeoutMs: 5000, concurrency: 1 });
    const observation = await runner.invoke({ caseId: 'refused', event: {} });
    await runner.close();
    expect(observation.outcome).toMatchObject({ kind: 'transport-error', error: { code: 'ECONNREFUSED' } });
  });
});
