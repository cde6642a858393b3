// Deliberately vulnerable: a webhook-delivery function. The order service enqueues
// {"webhook":{"url":"https://hooks.example.com/orders"},"orderId":"A-1"} and this consumer POSTs a notification
// to whatever URL the message names. Anyone who can put a message on the queue (or get a partner to register a
// "webhook") chooses where the function connects: http://169.254.169.254/… (role credentials), services bound
// to loopback or the VPC, any host at all.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

interface Delivery {
  readonly webhook?: { readonly url?: unknown };
  readonly orderId?: unknown;
}

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const message = JSON.parse(record.body) as Delivery;
      const url = message.webhook?.url;
      if (typeof url !== 'string') continue; // not a delivery: nothing to do
      // VULNERABLE: the destination comes straight from the message.
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'order.created', orderId: message.orderId }),
      });
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    } catch (error) {
      console.error(`delivery ${record.messageId} failed: ${(error as Error).message}`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
