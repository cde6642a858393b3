import type { Runner } from '../../../src/runners/types.js';
import { dirname } from 'node:path';
import { createServer } from 'node:net';
// @ts-expect-error serverless-offline ships no types; its `lambda` export is undocumented (version pinned)
import Lambda from 'serverless-offline/lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, isolateAws, startRunner } from './lambda-helpers.js';

// serverless-offline's Invoke endpoint through its library export: the SDK path against an emulator we did not
// write. It ignores LogType Tail and always names errors "Error" (see ../shared/DEPENDENCIES.md).
interface OfflineLambda {
  create(lambdas: readonly { functionKey: string; functionDefinition: { handler: string; name: string } }[]): void;
  start(): Promise<void>;
  stop(timeout: number): Promise<void>;
  cleanup(): Promise<void>;
}

let offline: OfflineLambda;
let endpoint: string;
let restoreAws: () => void;
const runners: Runner[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  restoreAws = isolateAws();
  const dir = dirname(fixture('returns.mjs'));
  const port = await freePort();
  const serverless = { service: { service: 'efz', provider: { runtime: 'nodejs20.x', region: 'us-east-1' } }, config: { servicePath: dir, serverlessPath: dir }, serviceDir: dir };
  offline = new (Lambda as new (serverless: unknown, options: unknown) => OfflineLambda)(serverless, { host: '127.0.0.1', lambdaPort: port, noTimeout: false, terminateIdleLambdaTime: 60 });
  offline.create([
    { functionKey: 'returns', functionDefinition: { handler: 'returns.handler', name: 'efz-returns' } },
    { functionKey: 'throws', functionDefinition: { handler: 'throws.handler', name: 'efz-throws' } },
  ]);
  await offline.start();
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await Promise.all(runners.map((runner) => runner.close()));
  await offline?.stop(0);
  await offline?.cleanup();
  restoreAws?.();
});

describe('lambda runner against serverless-offline', () => {
  it('maps a returned value', async () => {
    const runner = await startRunner(endpoint, { functionName: 'efz-returns' });
    runners.push(runner);
    const observation = await runner.invoke({ caseId: 'r', event: { a: 20, b: 22 } });
    expect(observation).toMatchObject({ outcome: { kind: 'returned', value: { ok: true, sum: 42 } }, logs: [], instance: 'remote', effects: undefined });
  });

  it('maps a thrown error (FunctionError Unhandled) to threw', async () => {
    const runner = await startRunner(endpoint, { functionName: 'efz-throws' });
    runners.push(runner);
    const observation = await runner.invoke({ caseId: 't', event: { id: 9 } });
    expect(observation.outcome).toMatchObject({ kind: 'threw', error: { name: 'Error', message: 'cannot read order 9', isError: true } });
    if (observation.outcome.kind === 'threw') expect(observation.outcome.error.stack).toContain('TypeError: cannot read order 9');
  });
});
