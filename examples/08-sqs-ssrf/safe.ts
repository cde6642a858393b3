// The fixed twin of handler.ts: the URL is parsed with `new URL()` and delivered only when its origin (scheme,
// host, port: what the parser will actually connect to, not a prefix of the text) is on an allow-list. Userinfo
// tricks (`https://hooks.example.com@169.254.169.254/`), other spellings of an address and other schemes all
// fail that check. Redirects are not followed: an allowed host could otherwise bounce the request elsewhere.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

interface Delivery {
  readonly webhook?: { readonly url?: unknown };
  readonly orderId?: unknown;
}

/** Origins webhooks may be delivered to, comma-separated; read per call so configuration changes apply. */
function allowedOrigins(): readonly string[] {
  return (process.env['WEBHOOK_ORIGINS'] ?? 'https://hooks.example.com').split(',').map((origin) => origin.trim());
}

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const message = JSON.parse(record.body) as Delivery;
      const text = message.webhook?.url;
      if (typeof text !== 'string') continue; // not a delivery: nothing to do
      const url = URL.canParse(text) ? new URL(text) : undefined;
      if (url === undefined || !allowedOrigins().includes(url.origin)) {
        console.warn(`delivery ${record.messageId} rejected: webhook origin not allowed`);
        continue; // a bad destination will not become good on retry: drop it
      }
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
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
