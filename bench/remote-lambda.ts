/**
 * `npx tsx bench/remote-lambda.ts`: invocations/s through the Lambda runner against the local Invoke API server
 * (test/support/invoke-api-server.ts), beside a bare SDK loop (same client settings: one attempt, LogType Tail)
 * against the same server in the same run, at concurrency 1, 8 and 32. The two alternate in short rounds so
 * drift on a noisy machine hits both alike. `BENCH_SECONDS` sets the time per figure (default 3).
 * Not run by the tests.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fileURLToPath } from 'node:url';
import { createLambdaRunner } from '../src/runners/lambda.js';
import { startInvokeApiServer } from '../test/support/invoke-api-server.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 3);
const ROUNDS = 6;
const credentials = { accessKeyId: 'AKIDEFZBENCH00000001', secretAccessKey: 'bench-dummy' };
process.env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
process.env['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';

const file = fileURLToPath(new URL('../test/fixtures/remote/lambda/returns.mjs', import.meta.url));
const server = await startInvokeApiServer({ functions: { bench: { file } } });
const event = { a: 1, b: 2, body: 'x'.repeat(600) }; // about the size of an API Gateway event

/** Runs `concurrency` loops of `call` for `ms` and returns completed calls. */
async function loops(concurrency: number, ms: number, call: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return done;
}

async function figure(concurrency: number): Promise<{ runner: number; sdk: number }> {
  const runner = createLambdaRunner({ functionName: 'bench', endpoint: server.url, region: 'us-east-1', timeoutMs: 30_000, concurrency });
  await runner.start();
  const client = new LambdaClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1, requestHandler: { httpAgent: { maxSockets: concurrency } } });
  const payload = new TextEncoder().encode(JSON.stringify(event));
  let caseId = 0;
  const viaRunner = async (): Promise<void> => {
    const observation = await runner.invoke({ caseId: String(caseId++), event });
    if (observation.outcome.kind !== 'returned') throw new Error(`runner: ${observation.outcome.kind}`);
  };
  const viaSdk = async (): Promise<void> => {
    const answer = await client.send(new InvokeCommand({ FunctionName: 'bench', InvocationType: 'RequestResponse', LogType: 'Tail', Payload: payload }));
    JSON.parse(new TextDecoder().decode(answer.Payload)); // the least any caller does with the answer
  };
  // Warm both paths (environments, sockets, JIT) before counting.
  await loops(concurrency, 500, viaRunner);
  await loops(concurrency, 500, viaSdk);
  const slice = (seconds * 1000) / ROUNDS;
  let runnerCalls = 0;
  let sdkCalls = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first so neither always inherits the other's leftovers.
    if (round % 2 === 0) {
      runnerCalls += await loops(concurrency, slice, viaRunner);
      sdkCalls += await loops(concurrency, slice, viaSdk);
    } else {
      sdkCalls += await loops(concurrency, slice, viaSdk);
      runnerCalls += await loops(concurrency, slice, viaRunner);
    }
  }
  await runner.close();
  client.destroy();
  return { runner: runnerCalls / seconds, sdk: sdkCalls / seconds };
}

console.log(`remote-lambda bench: node ${process.version}, ${seconds}s per figure and path, local Invoke API server (child-process environments)`);
console.log(`${'concurrency'.padEnd(12)} ${'runner/s'.padStart(10)} ${'bare SDK/s'.padStart(11)}  sdk/runner`);
for (const concurrency of [1, 8, 32]) {
  const { runner, sdk } = await figure(concurrency);
  console.log(`${String(concurrency).padEnd(12)} ${runner.toFixed(0).padStart(10)} ${sdk.toFixed(0).padStart(11)}  ${(sdk / runner).toFixed(2)}x`);
}
await server.close();
