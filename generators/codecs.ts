/**
 * Field encodings that a payload must be written *through*, so the handler decodes exactly the payload.
 * A codec turns a raw field value into what the handler works with, and back.
 */
export const NO_MATCH: unique symbol = Symbol('no-match');

export interface Codec {
  /** The decoded value, or NO_MATCH when `raw` is not in this encoding (a body that is not JSON, bad base64). */
  decode(raw: string, root: unknown): unknown;
  /** Re-encodes a (possibly changed) decoded value; `raw` is the field's previous encoded value. */
  encode(decoded: unknown, root: unknown, raw: string): string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Building one case resolves, reads and rewrites the same JSON body (once per codec step), so the last few parses
 * are kept. Decoded values are shared: nothing may mutate them (`writeAt` copies what it changes).
 */
const recentJson = new Map<string, unknown>();
const RECENT_JSON_MAX = 16;

const json: Codec = {
  decode(raw) {
    const known = recentJson.get(raw);
    if (known !== undefined) return known;
    let decoded: unknown;
    try {
      decoded = JSON.parse(raw) as unknown;
    } catch {
      decoded = NO_MATCH;
    }
    if (recentJson.size >= RECENT_JSON_MAX) recentJson.clear();
    recentJson.set(raw, decoded);
    return decoded;
  },
  encode: (decoded) => JSON.stringify(decoded),
};

const base64: Codec = {
  decode: (raw) => (BASE64.test(raw) ? Buffer.from(raw, 'base64').toString('utf8') : NO_MATCH),
  encode: (decoded) => Buffer.from(String(decoded), 'utf8').toString('base64'),
};

/** The HTTP body of an API Gateway / Function URL event: base64 exactly when the event says so. */
const httpBody: Codec = {
  decode: (raw, root) => (isBase64Flagged(root) ? base64.decode(raw, root) : raw),
  encode: (decoded, root, raw) => (isBase64Flagged(root) ? base64.encode(decoded, root, raw) : String(decoded)),
};

/**
 * S3 object keys as S3 puts them in notifications: form encoding (space → `+`, `+` → `%2B`), upper-case hex,
 * and `/` left as is. See FIELDS.md §3.
 */
const s3Key: Codec = {
  decode(raw) {
    try {
      return decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      return NO_MATCH;
    }
  },
  encode: (decoded) => encodeS3Key(String(decoded)),
};

/**
 * A `Cookie` header value (`a=1; b=2`) as an object of cookie values. Values are read the way the `cookie` package
 * (Express, Fastify) reads them: percent-decoded when they contain `%`. A written value is percent-encoded only
 * where it has to be (`%`, `;`, whitespace at either end) so the header still splits into the same cookies;
 * cookies that were not changed keep their raw text.
 */
const cookieHeader: Codec = {
  decode(raw) {
    const pairs = splitCookies(raw);
    if (pairs === NO_MATCH) return NO_MATCH;
    const cookies: Record<string, string> = {};
    for (const [name, value] of pairs) cookies[name] = decodeCookieValue(value);
    return cookies;
  },
  encode(decoded, _root, raw) {
    const before = splitCookies(raw);
    const previous = new Map(before === NO_MATCH ? [] : before);
    return Object.entries(decoded as Record<string, unknown>)
      .map(([name, value]) => `${name}=${cookieValueText(String(value), previous.get(name))}`)
      .join('; ');
  },
};

/** One `name=value` cookie (an HTTP API `cookies[]` entry) as its value, read and written as in `cookie-header`. */
const cookiePair: Codec = {
  decode: (raw) => (raw.indexOf('=') > 0 ? decodeCookieValue(raw.slice(raw.indexOf('=') + 1)) : NO_MATCH),
  encode: (decoded, _root, raw) => {
    const eq = raw.indexOf('=');
    return `${raw.slice(0, eq)}=${cookieValueText(String(decoded), raw.slice(eq + 1))}`;
  },
};

export const codecs = { json, base64, 'http-body': httpBody, 's3-key': s3Key, 'cookie-header': cookieHeader, 'cookie-pair': cookiePair } as const satisfies Record<string, Codec>;
export type CodecId = keyof typeof codecs;

/** Form-encodes an S3 key the way S3 writes it into event notifications. */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

function isBase64Flagged(root: unknown): boolean {
  return typeof root === 'object' && root !== null && (root as { isBase64Encoded?: unknown }).isBase64Encoded === true;
}

function splitCookies(raw: string): [string, string][] | typeof NO_MATCH {
  const pairs: [string, string][] = [];
  for (const part of raw.split(';')) {
    const pair = part.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return NO_MATCH;
    pairs.push([pair.slice(0, eq), pair.slice(eq + 1)]);
  }
  return pairs;
}

function decodeCookieValue(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // as the `cookie` package does: a value that is not valid percent-encoding is kept as sent
  }
}

/** The raw text for a cookie value: the previous text when it still reads as `value`, else a fresh encoding. */
function cookieValueText(value: string, previous: string | undefined): string {
  if (previous !== undefined && decodeCookieValue(previous) === value) return previous;
  const escaped = value.replace(/[%;]/g, (c) => encodeURIComponent(c));
  // Edge whitespace would be trimmed by cookie parsers; encode it. Found by scanning, not with /\s+$/, which is
  // quadratic on the long whitespace runs that ReDoS payloads are made of.
  let start = 0;
  while (start < escaped.length && isSpace(escaped[start]!)) start++;
  let end = escaped.length;
  while (end > start && isSpace(escaped[end - 1]!)) end--;
  return encodeURIComponent(escaped.slice(0, start)) + escaped.slice(start, end) + encodeURIComponent(escaped.slice(end));
}

function isSpace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v';
}
