// A careful SQS consumer for an orders queue, as a team would write it: each record is handled on its own,
// records that cannot be processed are reported in batchItemFailures (SQS retries only those, then moves them
// to the dead-letter queue), and other event types sharing the queue are acknowledged and skipped.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export interface Order {
  readonly orderId: string;
  readonly items: readonly OrderItem[];
}

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const message = parseJson(record.body);
    if (message === undefined) {
      console.warn(`message ${record.messageId}: body is not JSON`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    if (!isObject(message) || !('orderId' in message)) continue; // another event type: not ours
    const order = asOrder(message);
    if (order === undefined) {
      console.warn(`message ${record.messageId}: malformed order`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    console.log(`order ${order.orderId}: ${order.items.length} item(s), total ${orderTotal(order).toFixed(2)}`);
  }
  return { batchItemFailures };
}

export function orderTotal(order: Order): number {
  return order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asOrder(message: Record<string, unknown>): Order | undefined {
  const { orderId, items } = message;
  if (typeof orderId !== 'string' || orderId.length === 0 || !Array.isArray(items)) return undefined;
  const valid = items.every(
    (item: unknown) =>
      isObject(item) &&
      typeof item['sku'] === 'string' &&
      Number.isInteger(item['quantity']) &&
      (item['quantity'] as number) > 0 &&
      typeof item['unitPrice'] === 'number' &&
      Number.isFinite(item['unitPrice']),
  );
  return valid ? { orderId, items: items as OrderItem[] } : undefined;
}
