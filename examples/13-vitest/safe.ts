// The fixed twin of handler.ts: the order id is one argv entry of execFile, never parsed by a shell, so
// `;`, `|`, `$(…)` or backticks in it are just characters that `echo` prints.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const orderId = orderIdOf(record.body);
      if (orderId === undefined) continue; // another event type on the queue: nothing to do
      const { stdout } = await run('echo', ['processing', orderId]);
      console.log(stdout.trim());
    } catch (error) {
      console.error(`message ${record.messageId} failed: ${(error as Error).message}`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

/** `{"orderId": …}` from the checkout service, or a bare id from legacy producers. Throws on broken JSON. */
function orderIdOf(body: string): string | undefined {
  if (!body.trimStart().startsWith('{')) return body.trim();
  const message = JSON.parse(body) as { orderId?: unknown };
  return typeof message.orderId === 'string' ? message.orderId : undefined;
}
