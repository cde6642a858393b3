/**
 * Percent-encoding for the request half of the API Gateway mapping (apigw-request.ts): what a request target may carry
 * verbatim (RFC 3986), every other character as the `%XX` of its UTF-8 bytes. Pure.
 */

/** RFC 3986 characters a path keeps verbatim (pchar and `/`); a query also keeps `?`. `%` is handled apart. */
const PATH_KEEPS = "A-Za-z0-9\\-._~!$&'()*+,;=:@/";
const QUERY_KEEPS = `${PATH_KEEPS}?`;
/** Inside one query key or value, `&`, `=`, `+` and `;` would change the query's structure, so they are escaped. */
const COMPONENT_KEEPS = "A-Za-z0-9\\-._~!$'()*,:@/?";
/**
 * What each must escape, matched whole (one replacement per character escaped, none per character kept): in
 * decoded text every other character, `%` included; in raw text also a `%` that does not start a `%XX` escape.
 */
const PATH_RAW = new RegExp(`%(?![0-9A-Fa-f]{2})|[^%${PATH_KEEPS}]`, 'gu');
const QUERY_RAW = new RegExp(`%(?![0-9A-Fa-f]{2})|[^%${QUERY_KEEPS}]`, 'gu');
const PATH_DECODED = new RegExp(`[^${PATH_KEEPS}]`, 'gu');
const COMPONENT_DECODED = new RegExp(`[^${COMPONENT_KEEPS}]`, 'gu');
/** Text that needs no encoding in any of the three (fast paths). */
const UNRESERVED = /^[A-Za-z0-9\-._~/]*$/;
const PLAIN = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/** A 1.0 `path` as the client sent it: its own `%XX` escapes kept, what a path cannot carry encoded. */
export const encodeRawPath = (text: string): string => encodeRaw(text, PATH_RAW);
/** A raw query string as the client sent it, likewise. */
export const encodeRawQuery = (text: string): string => encodeRaw(text, QUERY_RAW);
/** A decoded path (2.0 `rawPath`): every character a path does not keep, `%` included. */
export const encodeDecodedPath = (text: string): string => percentEncode(text, PATH_DECODED);
/** One decoded query key or value: also `&`, `=`, `+` and `;`, which would change the query's structure. */
export const encodeComponent = (text: string): string => percentEncode(text, COMPONENT_DECODED);

/** Percent-encodes, as UTF-8, what `unsafe` (a `*_RAW` pattern) matches; `%` stays as the start of a `%XX` escape. */
function encodeRaw(text: string, unsafe: RegExp): string {
  if (PLAIN.test(text) && !BAD_PERCENT.test(text)) return text; // the common case, without a replacement at all
  return text.replace(unsafe, escape);
}

/** Percent-encodes every character `unsafe` (a `*_DECODED` pattern) matches, `%` included: for decoded text. */
function percentEncode(text: string, unsafe: RegExp): string {
  if (UNRESERVED.test(text)) return text;
  return text.replace(unsafe, escape);
}

/** `%XX` of each ASCII character, made once: most escaped characters of a payload are ASCII. */
const ASCII_ESCAPES = Array.from({ length: 0x80 }, (_, code) => `%${code.toString(16).toUpperCase().padStart(2, '0')}`);

/** One character (a code point: the patterns carry the `u` flag) as the `%XX` of its UTF-8 bytes. */
function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch.length === 1 && code < 0x80) return ASCII_ESCAPES[code]!;
  // A lone surrogate becomes U+FFFD (EF BF BD) in UTF-8: the bytes a client would send for it.
  if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) return '%EF%BF%BD';
  return encodeURIComponent(ch); // UTF-8, upper-case hex, as above
}
