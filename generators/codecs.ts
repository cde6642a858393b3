/**
 * Field encodings that a payload must be written *through*, so the handler decodes exactly the payload.
 * A codec turns a raw field value into what the handler works with, and back.
 */
import { isWellFormed } from './primitives/http-fields.js';
import { RecentResults } from './primitives/recent.js';
import { formatSnsJson } from './primitives/sns-envelope.js';

export const NO_MATCH: unique symbol = Symbol('no-match');

/**
 * Thrown by a codec's `encode` for a value its encoding cannot carry: a lone surrogate has no UTF-8 form, so it
 * can be neither a URL-encoded S3 key (S3 would never deliver it) nor base64 of UTF-8 (the handler would decode
 * U+FFFD, not the payload). The case builder passes to the next payload, as it does for a field's `accepts`.
 */
export class UnencodableValue extends Error {
  constructor(codec: string, reason: string) {
    super(`the ${codec} encoding cannot carry this value: ${reason}`);
    this.name = 'UnencodableValue';
  }
}

/** Strings with a lone surrogate have no UTF-8 (hence no URL-encoded or base64) form. */
function utf8Text(codec: string, value: string): string {
  if (!isWellFormed(value)) throw new UnencodableValue(codec, 'a lone surrogate has no UTF-8 form');
  return value;
}

export interface Codec {
  /** The decoded value, or NO_MATCH when `raw` is not in this encoding (a body that is not JSON, bad base64). */
  decode(raw: string, root: unknown): unknown;
  /** Re-encodes a (possibly changed) decoded value; `raw` is the field's previous encoded value. */
  encode(decoded: unknown, root: unknown, raw: string): string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Building one case resolves and rewrites the same JSON bodies (once per codec step, and again for each point it
 * passes over), so the last few parses are kept. Decoded values are shared: nothing may mutate them (`writeAt`
 * copies what it changes).
 */
const recentJson = new RecentResults<string, unknown>(16);

const json: Codec = {
  decode(raw) {
    const known = recentJson.get(raw);
    if (known !== undefined) return known;
    let decoded: unknown = NO_MATCH;
    if (mayBeJson(raw)) {
      try {
        decoded = JSON.parse(raw) as unknown;
      } catch {
        // not JSON after all: NO_MATCH, remembered like a parse
      }
    }
    recentJson.set(raw, decoded);
    return decoded;
  },
  encode: (decoded, _root, raw) =>
    isRecord(decoded) && decoded['Type'] === 'Notification' && SNS_LAYOUT.test(raw) ? formatSnsJson(decoded) : JSON.stringify(decoded),
};

/** The start of a body in SNS's own JSON layout (`sqsEnvelopeBody`, `formatSnsJson`); compact JSON stays compact. */
const SNS_LAYOUT = /^\{\n {2}"Type" : "Notification",\n/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether `raw` can be JSON at all, judged by its first and last non-blank characters. A failed `JSON.parse`
 * throws, and building the SyntaxError costs several times a successful parse; plain-text bodies ("Test
 * message.") and payloads appended to JSON (`{…}<script>…`) are common here, so most of them stop at this check.
 */
function mayBeJson(raw: string): boolean {
  let first = 0;
  while (first < raw.length && isJsonBlank(raw.charCodeAt(first))) first++;
  let last = raw.length - 1;
  while (last > first && isJsonBlank(raw.charCodeAt(last))) last--;
  if (first > last) return false;
  const a = raw.charCodeAt(first);
  const z = raw.charCodeAt(last);
  // A value starts with { [ " - a digit or t/f/n (true, false, null), and ends with } ] " a digit, e (true,
  // false) or l (null).
  const startsRight = a === 0x7b || a === 0x5b || a === 0x22 || a === 0x2d || (a >= 0x30 && a <= 0x39) || a === 0x74 || a === 0x66 || a === 0x6e;
  const endsRight = z === 0x7d || z === 0x5d || z === 0x22 || (z >= 0x30 && z <= 0x39) || z === 0x65 || z === 0x6c;
  return startsRight && endsRight;
}

const isJsonBlank = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const base64: Codec = {
  decode: (raw) => (BASE64.test(raw) ? Buffer.from(raw, 'base64').toString('utf8') : NO_MATCH),
  encode: (decoded) => Buffer.from(utf8Text('base64', String(decoded)), 'utf8').toString('base64'),
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
  encode: (decoded) => encodeS3Key(utf8Text('s3-key', String(decoded))),
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
      .map(([name, value]) => `${name}=${cookieValueText(utf8Text('cookie-header', String(value)), previous.get(name))}`)
      .join('; ');
  },
};

/** One `name=value` cookie (an HTTP API `cookies[]` entry) as its value, read and written as in `cookie-header`. */
const cookiePair: Codec = {
  decode: (raw) => (raw.indexOf('=') > 0 ? decodeCookieValue(raw.slice(raw.indexOf('=') + 1)) : NO_MATCH),
  encode: (decoded, _root, raw) => {
    const eq = raw.indexOf('=');
    return `${raw.slice(0, eq)}=${cookieValueText(utf8Text('cookie-pair', String(decoded)), raw.slice(eq + 1))}`;
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
