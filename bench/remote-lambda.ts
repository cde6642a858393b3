/**
 * `npx tsx bench/remote-lambda.ts`: invocations/s through eventfuzz's Lambda path against the local Invoke API server
 * (test/support/invoke-api-server.ts; the same function for every path), beside a bare SDK loop against the same
 * server in the same run, at concurrency 1, 8 and 32:
 * - bare SDK: an InvokeCommand (RequestResponse, LogType Tail) per call from a client with the runner's settings
 *   (one attempt, `maxSockets` = concurrency), the event serialized per call (every case carries another event) and
 *   the answer's payload parsed, the least any caller does;
 * - lambda runner: `runner.invoke(event)` (serialize, Invoke with a client-side deadline, map payload and log tail);
 * - guarded runner: the same behind the remote guard (caps set so they never bind), the path `fuzz --function` takes.
 * Rounds rotate their order; medians shown. `BENCH_SECONDS` sets the time per round (default 1). Not run by the tests.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fileURLToPath } from 'node:url';
import type { PathFigures } from './compare.js';
import { comparePaths, formatComparison } from './compare.js';
import { createLambdaRunner } from '../src/runners/lambda.js';
import { guardRemoteRunner } from '../src/runners/remote-guard.js';
import { startInvokeApiServer } from '../test/support/invoke-api-server.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 1);
const ROUNDS = 5;
const credentials = { accessKeyId: 'AKIDEFZBENCH00000001', secretAccessKey: 'bench-dummy' };
process.env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
process.env['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';

const file = fileURLToPath(new URL('../test/fixtures/remote/lambda/returns.mjs', import.meta.url));
const server = await startInvokeApiServer({ functions: { bench: { file } } });
const event = { a: 1, b: 2, body: 'x'.repeat(600) }; // about the size of an API Gateway event
const OPEN_CAPS = { maxInvocations: Number.MAX_SAFE_INTEGER, ratePerSecond: 1e9 } as const;

const results = new Map<number, Record<string, PathFigures>>();
for (const concurrency of [1, 8, 32]) {
  const options = { functionName: 'bench', endpoint: server.url, region: 'us-east-1', timeoutMs: 30_000, concurrency };
  const runner = createLambdaRunner(options);
  const guarded = guardRemoteRunner(createLambdaRunner(options), { ...OPEN_CAPS, concurrency });
  await runner.start();
  await guarded.start();
  const client = new LambdaClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1, requestHandler: { httpAgent: { maxSockets: concurrency } } });
  const expectReturned = (kind: string): void => {
    if (kind !== 'returned') throw new Error(`unexpected outcome ${kind}`);
  };
  results.set(
    concurrency,
    await comparePaths(
      {
        'bare SDK': async () => {
          const Payload = new TextEncoder().encode(JSON.stringify(event));
          const answer = await client.send(new InvokeCommand({ FunctionName: 'bench', InvocationType: 'RequestResponse', LogType: 'Tail', Payload }));
          JSON.parse(new TextDecoder().decode(answer.Payload));
        },
        'lambda runner': async (i) => expectReturned((await runner.invoke({ caseId: `c${i}`, event })).outcome.kind),
        'guarded lambda runner': async (i) => expectReturned((await guarded.invoke({ caseId: `g${i}`, event })).outcome.kind),
      },
      // Warm-up long enough for the server to start its environments (child processes) for this concurrency.
      { concurrency, rounds: ROUNDS, roundMs: seconds * 1000, warmupMs: 800 },
    ),
  );
  await runner.close();
  await guarded.close();
  client.destroy();
}
await server.close();
console.log(`eventfuzz remote-lambda bench: node ${process.version}, ${seconds}s per round, medians of ${ROUNDS} rotating rounds`);
console.log(formatComparison('Lambda path vs a bare SDK loop against the local Invoke API (server in this process, handlers in child processes; CPU µs are this process only)', results));
