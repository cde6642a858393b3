import type { SQSMessageAttributes } from 'aws-lambda';
import * as crypto from 'node:crypto';

// `crypto.hash` (Node ≥ 20.12) skips the Hash object and is about twice as fast for short inputs; the hot loop
// hashes every body and attribute map it writes, so older 20.x fall back to createHash.
const oneShot: ((algorithm: string, data: string | Buffer, encoding: 'hex') => string) | undefined =
  typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** Lower-case hex MD5 of a string's UTF-8 bytes, or of raw bytes. */
export function md5Hex(data: string | Buffer): string {
  return oneShot !== undefined ? oneShot('md5', data, 'hex') : crypto.createHash('md5').update(data).digest('hex');
}

/** `md5OfBody`: the lower-case hex MD5 of the body's UTF-8 bytes, as SQS computes it. */
export const md5OfBody = (body: string): string => md5Hex(body);

/**
 * `md5OfMessageAttributes` with SQS's own algorithm (the one the SDKs use to verify ReceiveMessage): attributes
 * sorted by name, each encoded as length-prefixed (4-byte big-endian) name, length-prefixed data type, one
 * transport byte (1 for String/Number, 2 for Binary) and the length-prefixed value (UTF-8 text, or the decoded
 * bytes of a Binary value). `null` when there are no attributes, as real events carry.
 */
export function md5OfMessageAttributes(attributes: SQSMessageAttributes): string | null {
  const names = Object.keys(attributes);
  if (names.length === 0) return null;
  // SQS sorts by Java String order (UTF-16 code units), which is also what the default JS sort uses.
  names.sort();
  // The message is assembled as a byte string (one char per byte) and converted once: per-field Buffers or
  // Buffer#write calls cost several times the hash itself, and attribute text is nearly always ASCII.
  let bytes = '';
  for (const name of names) {
    const attribute = attributes[name]!;
    bytes += prefixed(utf8Bytes(name)) + prefixed(utf8Bytes(attribute.dataType));
    if (typeof attribute.stringValue === 'string') bytes += `\x01${prefixed(utf8Bytes(attribute.stringValue))}`;
    else if (typeof attribute.binaryValue === 'string') bytes += `\x02${prefixed(Buffer.from(attribute.binaryValue, 'base64').toString('latin1'))}`;
  }
  return md5Hex(Buffer.from(bytes, 'latin1'));
}

const ASCII = /^[\x00-\x7f]*$/;

/** The UTF-8 encoding of `text` as a byte string. */
const utf8Bytes = (text: string): string => (ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1'));

/** A byte string preceded by its length as 4 big-endian bytes. */
const prefixed = (bytes: string): string =>
  String.fromCharCode((bytes.length >>> 24) & 255, (bytes.length >>> 16) & 255, (bytes.length >>> 8) & 255, bytes.length & 255) + bytes;
