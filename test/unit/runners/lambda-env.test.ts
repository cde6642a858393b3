import { afterEach, describe, expect, it } from 'vitest';
import { createLambdaEnvironment } from '../../../src/runners/lambda-env.js';

const base = { functionName: 'orders', region: 'eu-west-1', memoryLimitMb: 256, timeoutMs: 3000, seed: 42 } as const;

describe('createLambdaEnvironment', () => {
  afterEach(() => {
    delete process.env['EFZ_TEST_DB_PASSWORD'];
  });

  it('sets the variables the Node.js 20 Lambda runtime sets', () => {
    const { env } = createLambdaEnvironment({ ...base, handlerFile: '/srv/app/src/index.mjs', exportName: 'main' });
    expect(env).toMatchObject({
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'orders',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      LAMBDA_TASK_ROOT: '/srv/app/src',
      _HANDLER: 'index.main',
      TZ: ':UTC',
    });
    expect(env['AWS_LAMBDA_LOG_STREAM_NAME']).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('plants realistic canary credentials and watches each of them', () => {
    const { env, secrets } = createLambdaEnvironment(base);
    expect(env['AWS_ACCESS_KEY_ID']).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(env['AWS_SECRET_ACCESS_KEY']).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(env['AWS_SESSION_TOKEN']).toMatch(/^[A-Za-z0-9+/]{300,}$/);
    expect(secrets).toEqual(
      ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'].map((name) => ({ name, value: env[name], kind: 'canary-credential' })),
    );
  });

  it('derives the credentials from the seed: same seed same values, other seed other values', () => {
    const a = createLambdaEnvironment(base).env;
    const b = createLambdaEnvironment(base).env;
    const c = createLambdaEnvironment({ ...base, seed: 43 }).env;
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      expect(a[name]).toBe(b[name]);
      expect(a[name]).not.toBe(c[name]);
    }
  });

  it('merges --env pairs, which win over defaults; an overridden canary is no longer watched', () => {
    const { env, secrets } = createLambdaEnvironment({ ...base, extraEnv: { TABLE: 'orders', AWS_ACCESS_KEY_ID: 'AKIAMINE' } });
    expect(env['TABLE']).toBe('orders');
    expect(env['AWS_ACCESS_KEY_ID']).toBe('AKIAMINE');
    expect(secrets.map((s) => s.name)).toEqual(['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
  });

  it('watches --secret names from --env or the process environment, and passes them to the handler', () => {
    process.env['EFZ_TEST_DB_PASSWORD'] = 'hunter2-from-process';
    const { env, secrets } = createLambdaEnvironment({ ...base, extraEnv: { API_KEY: 'k-123' }, secretNames: ['API_KEY', 'EFZ_TEST_DB_PASSWORD'] });
    expect(env['EFZ_TEST_DB_PASSWORD']).toBe('hunter2-from-process');
    expect(secrets.filter((s) => s.kind === 'user-secret')).toEqual([
      { name: 'API_KEY', value: 'k-123', kind: 'user-secret' },
      { name: 'EFZ_TEST_DB_PASSWORD', value: 'hunter2-from-process', kind: 'user-secret' },
    ]);
  });

  it('fails with EFZ_CONFIG_INVALID when a --secret has no value', () => {
    expect(() => createLambdaEnvironment({ ...base, secretNames: ['EFZ_TEST_NOT_SET_ANYWHERE'] })).toThrow(
      expect.objectContaining({ code: 'EFZ_CONFIG_INVALID', message: expect.stringContaining('EFZ_TEST_NOT_SET_ANYWHERE') }),
    );
  });
});
