import type { Entropy } from './entropy.js';
import { isoMs } from './aws.js';
import { randomBase64, randomUuid } from './fast-random.js';

/**
 * What applications put in SQS bodies and SNS messages: JSON documents (orders, user events) and plain text,
 * plus the message attributes producers attach. Built from an `Entropy`, never from fast-check, because none of
 * it needs to shrink: the fuzzer replaces these values, it does not minimise them.
 */

const STATUSES = ['CREATED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED'] as const;
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'BRL'] as const;
const PRODUCTS = ['Wireless Mouse', 'USB-C Cable 2m', 'Café Crème Beans 1kg', 'Notebook A5 (dotted)', 'Running Shoes – Size 42', 'Desk Lamp', '保温杯 500ml'] as const;
const NAMES = ['Alice Martin', 'José Álvarez', 'Zoë Müller', 'Bob O\'Neil', 'Priya Natarajan', '佐藤 花子', 'Chloé Dubois'] as const;
const CITIES = ['Seattle', 'München', 'São Paulo', 'London', 'Tokyo', 'Zürich'] as const;
const USER_EVENTS = ['user.signed_up', 'user.email_changed', 'user.password_reset', 'user.deleted', 'user.logged_in'] as const;
const LOCALES = ['en-US', 'de-DE', 'pt-BR', 'fr-FR', 'ja-JP'] as const;
const TEXTS = [
  'Test message.',
  'Hello from the scheduler',
  'Nightly export finished',
  'Cache invalidation requested for /products/*',
  'Retry batch 7 of 12',
  'Réindexation terminée',
] as const;

// Vocabulary pre-quoted as JSON: bodies are concatenated directly, about three times faster than building an
// object and calling JSON.stringify, and byte-identical to what JSON.stringify would give.
const q = (words: readonly string[]): readonly string[] => words.map((word) => JSON.stringify(word));
const STATUSES_JSON = q(STATUSES);
const CURRENCIES_JSON = q(CURRENCIES);
const PRODUCTS_JSON = q(PRODUCTS);
const NAMES_JSON = q(NAMES);
const CITIES_JSON = q(CITIES);
const USER_EVENTS_JSON = q(USER_EVENTS);
const LOCALES_JSON = q(LOCALES);
const EMAIL_USERS = NAMES.map((name) => name.split(' ')[0]!.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase() || 'user');

/** An order document as JSON text, as e-commerce backends publish them. */
export function orderJson(e: Entropy, epoch: number): string {
  let items = '';
  let cents = 0;
  for (let i = e.int(1, 3); i > 0; i--) {
    const quantity = e.int(1, 4);
    const unitCents = e.int(199, 19_999);
    cents += quantity * unitCents;
    items += `${items === '' ? '' : ','}{"sku":"SKU-${e.upperAlnum(6)}","name":${e.pick(PRODUCTS_JSON)},"quantity":${quantity},"unitPrice":${unitCents / 100}}`;
  }
  return (
    `{"orderId":"o-${e.digits(6)}","customerId":"c-${e.alnumLower(8)}","status":${e.pick(STATUSES_JSON)},"items":[${items}],` +
    `"total":${cents / 100},"currency":${e.pick(CURRENCIES_JSON)},"shippingAddress":{"name":${e.pick(NAMES_JSON)},` +
    `"line1":"${e.int(1, 999)} Main St","city":${e.pick(CITIES_JSON)},"postalCode":"${e.digits(5)}"},"createdAt":"${isoMs(epoch)}"}`
  );
}

/** A user lifecycle event as JSON text, as identity services publish them. */
export function userEventJson(e: Entropy, epoch: number): string {
  const person = e.int(0, NAMES.length - 1);
  return (
    `{"eventType":${e.pick(USER_EVENTS_JSON)},"eventId":"${randomUuid(e)}","userId":"${randomUuid(e)}",` +
    `"email":"${EMAIL_USERS[person]!}${e.int(1, 99)}@example.com","displayName":${NAMES_JSON[person]!},` +
    `"locale":${e.pick(LOCALES_JSON)},"occurredAt":"${isoMs(epoch)}"}`
  );
}

/** A JSON message body: an order or a user event. */
export const jsonMessage = (e: Entropy, epoch: number): string => (e.bool() ? orderJson(e, epoch) : userEventJson(e, epoch));

/** A plain-text message body. */
export const textMessage = (e: Entropy): string => (e.bool(0.7) ? e.pick(TEXTS) : `Order o-${e.digits(6)} ${e.pick(STATUSES).toLowerCase()}`);

/** One message attribute as a producer sends it, before SQS or SNS shapes it. */
export interface AttributeSpec {
  readonly name: string;
  readonly type: 'String' | 'Number' | 'Binary';
  /** Text for String/Number, base64 for Binary. */
  readonly value: string;
}

const ATTRIBUTES: readonly ((e: Entropy) => AttributeSpec)[] = [
  (e) => ({ name: 'eventType', type: 'String', value: e.pick(['OrderCreated', 'OrderPaid', 'UserSignedUp', 'InvoiceIssued']) }),
  (e) => ({ name: 'priority', type: 'Number', value: String(e.int(1, 9)) }),
  (e) => ({ name: 'correlationId', type: 'String', value: randomUuid(e) }),
  (e) => ({ name: 'source', type: 'String', value: e.pick(['order-service', 'checkout-api', 'billing', 'identity']) }),
  (e) => ({ name: 'checksum', type: 'Binary', value: randomBase64(e, 20) }),
  (e) => ({ name: 'tenant.id', type: 'String', value: `t-${e.alnumLower(6)}` }),
  (e) => ({ name: 'retry_count', type: 'Number', value: String(e.int(0, 5)) }),
  (e) => ({ name: 'contentType', type: 'String', value: e.pick(['application/json', 'text/plain']) }),
];

/** The attribute names a producer uses, `count` of them (at most 8), in a stable per-producer order. */
export function attributeMakers(e: Entropy, count: number): readonly ((e: Entropy) => AttributeSpec)[] {
  const pool = [...ATTRIBUTES];
  const chosen: ((e: Entropy) => AttributeSpec)[] = [];
  for (let i = 0; i < Math.min(count, pool.length); i++) chosen.push(pool.splice(e.int(0, pool.length - 1), 1)[0]!);
  return chosen;
}
