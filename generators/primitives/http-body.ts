import type { Entropy } from './entropy.js';

/** Kinds of request body, `none` first so a shrunk event has no body. */
export const BODY_KINDS = ['none', 'json', 'form', 'text', 'binary'] as const;
/** One of {@link BODY_KINDS}. */
export type BodyKind = (typeof BODY_KINDS)[number];

/** A request body as the client sent it: text, or bytes for binary media types. */
export type HttpBody =
  | { readonly kind: 'json' | 'form' | 'text'; readonly contentType: string; readonly text: string }
  | { readonly kind: 'binary'; readonly contentType: string; readonly bytes: Buffer };

/**
 * Whether a REST API with the usual `binaryMediaTypes` (images, PDF, octet-stream) base64-encodes this body.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html
 */
export function isBinaryMediaType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type.startsWith('image/') || type === 'application/octet-stream' || type === 'application/pdf' || type === 'application/zip';
}

/**
 * Whether an HTTP API passes this body through as text; every other content type (form posts included)
 * arrives base64-encoded. FIELDS.md §2 `isBase64Encoded` (inferred from the AWS blog).
 */
export function isTextMediaType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type.startsWith('text/') || type === 'application/json' || type.endsWith('+json') || type === 'application/xml'
    || type.endsWith('+xml') || type === 'application/javascript';
}

const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();

const FIRST = ['Alice', 'Bob', 'Chen', 'Dana', 'Emeka', 'Fatima', 'Giulia', 'Hiro'] as const;
const LAST = ['Smith', 'Garcia', 'Müller', 'Okafor', 'Tanaka', 'Silva', 'Novak'] as const;
const CITIES = ['London', 'Berlin', 'Lagos', 'São Paulo', 'Osaka', 'Seattle'] as const;
const NOTES = ['Leave at the door', 'Gift wrap please', 'Call before delivery', 'Second floor, blue door', ''] as const;

/** One JSON document shaped like what the route receives (orders get line items, login gets credentials…). */
function jsonDocument(e: Entropy, template: string): unknown {
  const name = `${e.pick(FIRST)} ${e.pick(LAST)}`;
  const email = `${name.split(' ')[0]!.toLowerCase()}.${e.alnumLower(4)}@example.com`;
  if (template.startsWith('/orders')) {
    const doc: Record<string, unknown> = { sku: `${e.upperAlnum(3)}-${e.digits(3)}`, quantity: e.int(1, 5) };
    if (e.bool(0.5)) doc['note'] = e.pick(NOTES);
    if (e.bool(0.5)) doc['shippingAddress'] = { name, street: `${e.int(1, 250)} High Street`, city: e.pick(CITIES), postcode: e.upperAlnum(6) };
    return doc;
  }
  if (template === '/login') return { username: email, password: e.alnum(e.int(10, 18)), remember: e.bool() };
  if (template === '/search') return { query: e.pick(['wireless headphones', 'red dress', 'lamp']), filters: { tags: [e.pick(['sale', 'new'])], maxPrice: e.int(10, 500) } };
  if (template.startsWith('/webhooks')) {
    return { id: `evt_${e.alnum(24)}`, type: e.pick(['charge.succeeded', 'invoice.paid', 'customer.created']), data: { object: { id: `ch_${e.alnum(24)}`, amount: e.int(100, 99_999), currency: e.pick(['usd', 'eur', 'gbp']), description: e.pick(NOTES) } } };
  }
  if (template.startsWith('/users')) return { name, email, bio: e.pick(NOTES), preferences: { theme: e.pick(['dark', 'light']), newsletter: e.bool() } };
  return { name, email, message: e.pick(NOTES), items: [e.alnumLower(6), e.alnumLower(6)] };
}

function formBody(e: Entropy, template: string): string {
  const name = `${e.pick(FIRST)} ${e.pick(LAST)}`;
  const fields: [string, string][] = template === '/login'
    ? [['username', `${name.split(' ')[0]!.toLowerCase()}@example.com`], ['password', e.alnum(12)]]
    : [['name', name], ['email', `${e.alnumLower(6)}@example.com`], ['message', e.pick(NOTES)], ['token', e.alnum(20)]];
  return fields.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%20/g, '+')}`).join('&');
}

function textBody(e: Entropy): { contentType: string; text: string } {
  switch (e.int(0, 2)) {
    case 0: return { contentType: e.pick(['text/plain', 'text/plain; charset=utf-8']), text: `${e.pick(NOTES) || 'Hello'} (${e.pick(FIRST)})` };
    case 1: return { contentType: 'text/csv', text: `sku,quantity\n${e.upperAlnum(6)},${e.int(1, 9)}\n${e.upperAlnum(6)},${e.int(1, 9)}\n` };
    default: return { contentType: 'application/xml', text: `<?xml version="1.0" encoding="UTF-8"?><order><sku>${e.upperAlnum(6)}</sku><quantity>${e.int(1, 9)}</quantity></order>` };
  }
}

const MAGIC: readonly (readonly [string, readonly number[]])[] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff, 0xe0]],
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a]],
  ['application/octet-stream', []],
];

/** A body of the given kind (not `none`) whose content suits the route. */
export function httpBody(e: Entropy, kind: Exclude<BodyKind, 'none'>, template: string): HttpBody {
  switch (kind) {
    case 'json':
      return { kind, contentType: e.pick(['application/json', 'application/json', 'application/json; charset=utf-8']), text: JSON.stringify(jsonDocument(e, template)) };
    case 'form':
      return { kind, contentType: 'application/x-www-form-urlencoded', text: formBody(e, template) };
    case 'text':
      return { kind, ...textBody(e) };
    case 'binary': {
      const [contentType, magic] = e.pick(MAGIC);
      const bytes = Buffer.allocUnsafe(magic.length + e.int(8, 48));
      for (let i = 0; i < bytes.length; i++) bytes[i] = i < magic.length ? magic[i]! : e.int(0, 255);
      return { kind, contentType, bytes };
    }
  }
}
