/**
 * Field rules shared by the HTTP event sources: what values AWS would really deliver in a field (the `accepts`
 * guards of injection points), re-encoding a body when its content type changes, and raw query strings.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/** A string that is valid UTF-16 (so valid UTF-8 on the wire): anything a client could send, once decoded. */
export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value);

/** A header value: no CR, LF, NUL or other controls (tab is fine), no surrounding whitespace (HTTP trims it). */
export const acceptsHeaderValue = (value: string): boolean => isWellFormed(value) && !CONTROL.test(value) && !/^[ \t]|[ \t]$/.test(value);

/** A cookie value inside a `Cookie` header: a header value without `;` (the separator) or surrounding spaces. */
export const acceptsCookieValue = (value: string): boolean => acceptsHeaderValue(value) && !value.includes(';') && value === value.trim();

/** A request path as sent on the wire (REST keeps percent-encoding): visible ASCII, starting with `/`, no `?`/`#`. */
export const acceptsRawPath = (value: string): boolean => /^\/[\x21-\x7e]*$/.test(value) && !/[?#]/.test(value);

/** One raw path segment (a REST path parameter): visible ASCII without `/`, `?` or `#`, not empty. */
export const acceptsRawSegment = (value: string): boolean => /^[\x21-\x7e]+$/.test(value) && !/[/?#]/.test(value);

/** A percent-decoded path (HTTP API `rawPath`): starts with `/`, no control characters. */
export const acceptsDecodedPath = (value: string): boolean => value.startsWith('/') && isWellFormed(value) && !CONTROL.test(value);

/** A percent-decoded path segment (HTTP API path parameter): not empty, no `/`, no control characters. */
export const acceptsDecodedSegment = (value: string): boolean => value !== '' && !value.includes('/') && isWellFormed(value) && !CONTROL.test(value);

/** A body: not empty (an empty body is no body: `null` in REST, absent in HTTP APIs). */
export const acceptsBody = (value: string): boolean => value !== '' && isWellFormed(value);

/** Converts a body between plain text and base64 when its content type moves it across (decoded text kept). */
export function recodeBody(body: string, wasBase64: boolean, nowBase64: boolean): string {
  if (wasBase64 === nowBase64) return body;
  return nowBase64 ? Buffer.from(body, 'utf8').toString('base64') : Buffer.from(body, 'base64').toString('utf8');
}

/** Byte length of the body the client sent (`content-length`): base64 is decoded first. */
export const bodyByteLength = (body: string | undefined, base64: boolean): number =>
  body === undefined ? 0 : base64 ? Buffer.from(body, 'base64').length : Buffer.byteLength(body, 'utf8');

/** Percent-encodes a query key or value the way clients do (`hello world` → `hello%20world`). */
export const encodeQueryComponent = (value: string): string => encodeURIComponent(value);

const decodeQueryComponent = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

/** The `name=value` pairs of a raw query string, raw and decoded. */
function parsePairs(raw: string): { readonly raw: string; readonly key: string; readonly value: string }[] {
  if (raw === '') return [];
  return raw.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = decodeQueryComponent(eq < 0 ? pair : pair.slice(0, eq));
    return { raw: pair, key, value: eq < 0 ? '' : decodeQueryComponent(pair.slice(eq + 1)) };
  });
}

/** HTTP API `queryStringParameters` for a raw query: decoded, repeated keys comma-joined; `undefined` when empty. */
export function queryMapOf(raw: string): Record<string, string> | undefined {
  const pairs = parsePairs(raw);
  if (pairs.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const { key, value } of pairs) map[key] = Object.hasOwn(map, key) ? `${map[key]},${value}` : value;
  return map;
}

/**
 * A raw query string that parses to `map` (`queryMapOf(result)` deep-equals it), keeping the client's raw pairs
 * for every key whose value did not change; changed or new keys become one encoded pair each.
 */
export function rawQueryFor(previous: string, map: Readonly<Record<string, string | undefined>> | undefined): string {
  const wanted = Object.entries(map ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const before = queryMapOf(previous) ?? {};
  const out: string[] = [];
  const emitted = new Set<string>();
  const encoded = (key: string, value: string): string => `${encodeQueryComponent(key)}=${encodeQueryComponent(value)}`;
  const target = new Map(wanted);
  for (const pair of parsePairs(previous)) {
    const value = target.get(pair.key);
    if (value === undefined) continue;
    if (before[pair.key] === value) out.push(pair.raw);
    else if (!emitted.has(pair.key)) out.push(encoded(pair.key, value));
    emitted.add(pair.key);
  }
  for (const [key, value] of wanted) if (!emitted.has(key)) out.push(encoded(key, value));
  return out.join('&');
}
