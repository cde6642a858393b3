/**
 * What AWS lets through in the fields an outside party writes, as predicates for `InjectionPoint.accepts`.
 * A payload that fails one could not arrive in that field, so sending it would test a fake event.
 */

// XML 1.0 Char production (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]); with the `u`
// flag a lone surrogate is its own code point and matches nothing here.
const XML_LEGAL = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
// Guards run for every placed payload: text without controls, surrogates or U+FFFE/U+FFFF (nearly all of it) is
// legal, and this code-unit scan is several times faster than the full code-point check.
const MAYBE_ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** SQS message bodies (256 KiB) and SNS messages (256 KB) share this cap. */
export const MAX_MESSAGE_BYTES = 262_144;

/** Only characters XML 1.0 allows: what the SQS and SNS query APIs accept in bodies and attribute values. */
export const isXmlLegal = (value: string): boolean => !MAYBE_ILLEGAL.test(value) || XML_LEGAL.test(value);

/** Text that has a UTF-8 form at all (no lone surrogates). */
export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value);

/** A non-empty, XML-legal message body within the size cap: an SQS body, an SNS message, an attribute value. */
export const isDeliverableText = (value: string): boolean =>
  value.length > 0 && isXmlLegal(value) && (value.length * 3 <= MAX_MESSAGE_BYTES || Buffer.byteLength(value, 'utf8') <= MAX_MESSAGE_BYTES);

/**
 * A string leaf inside a JSON message: `JSON.stringify` escapes control characters and lone surrogates, but not
 * U+FFFE/U+FFFF, which would make the whole message undeliverable.
 */
export const isDeliverableJsonLeaf = (value: string): boolean => !/[\uFFFE\uFFFF]/.test(value);

/** S3 object keys: 1 to 1024 bytes of UTF-8. */
export const isS3Key = (value: string): boolean =>
  value.length > 0 && isWellFormed(value) && Buffer.byteLength(value, 'utf8') <= 1024;

/** SNS Publish `Subject`: ASCII, starts with a letter, digit or punctuation, no line breaks or controls, < 100 chars. */
export const isSnsSubject = (value: string): boolean => /^[\x21-\x7e][\x20-\x7e]{0,98}$/.test(value);

/** FIFO `MessageGroupId` / `MessageDeduplicationId`: 1 to 128 chars of alphanumerics and ASCII punctuation. */
export const isFifoId = (value: string): boolean => /^[\x21-\x7e]{1,128}$/.test(value);
