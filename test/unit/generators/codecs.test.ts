import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecs, encodeS3Key, NO_MATCH } from '../../../generators/codecs.js';
import { readAt, writeAt } from '../../../generators/inject.js';
import type { ConcretePath } from '../../../generators/inject.js';
import { deepFreeze, eventFixture } from '../../helpers/event-fixtures.js';

/** Text with a UTF-8 form, what travels as bytes (headers, keys, base64 bodies): any code point, graphemes, ASCII. */
const wellFormedText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' }));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** Any JavaScript string: well-formed text with lone surrogates mixed in. */
const anyText = fc.array(fc.oneof(wellFormedText, loneSurrogate)).map((parts) => parts.join(''));

interface RoundTrip {
  readonly name: string;
  readonly event: unknown;
  readonly path: ConcretePath;
}

const roundTrips: RoundTrip[] = [
  { name: 'json (a leaf of a JSON body)', event: { body: '{"sku":"ABC-123","quantity":2}' }, path: ['body', { codec: 'json' }, 'sku'] },
  { name: 'json (nested: SNS envelope in an SQS body)', event: { body: JSON.stringify({ Type: 'Notification', Message: '{"orderId":"o-1"}' }) }, path: ['body', { codec: 'json' }, 'Message', { codec: 'json' }, 'orderId'] },
  { name: 'base64', event: { binaryValue: 'cTRvSVgWIco0rTHIVDzEYC/E2og=' }, path: ['binaryValue', { codec: 'base64' }] },
  { name: 's3-key', event: eventFixture('s3/put'), path: ['Records', 0, 's3', 'object', 'key', { codec: 's3-key' }] },
  { name: 'cookie-header (first cookie)', event: { headers: { Cookie: 'session=3f9a1c2e7b; theme=dark' } }, path: ['headers', 'Cookie', { codec: 'cookie-header' }, 'session'] },
  { name: 'cookie-header (last cookie)', event: { headers: { Cookie: 'session=3f9a1c2e7b; theme=dark' } }, path: ['headers', 'Cookie', { codec: 'cookie-header' }, 'theme'] },
  { name: 'cookie-pair', event: { cookies: ['session=3f9a1c2e7b', 'theme=dark'] }, path: ['cookies', 1, { codec: 'cookie-pair' }] },
  { name: 'http-body (text)', event: { body: 'hello', isBase64Encoded: false }, path: ['body', { codec: 'http-body' }] },
  { name: 'http-body (base64)', event: eventFixture('apigw-http/binary-body'), path: ['body', { codec: 'http-body' }] },
];

describe('codecs: writing a value then reading it back gives the value', () => {
  it.each(roundTrips)('$name', ({ event, path }) => {
    deepFreeze(event);
    const before = JSON.stringify(event);
    fc.assert(
      fc.property(wellFormedText, (s) => {
        const out = writeAt(event, path, () => s);
        expect(readAt(out, path)).toBe(s);
      }),
    );
    expect(JSON.stringify(event)).toBe(before);
  });

  it('json and plain text also carry lone surrogates (JSON.stringify escapes them)', () => {
    const path: ConcretePath = ['body', { codec: 'json' }, 'a'];
    fc.assert(
      fc.property(anyText, (s) => {
        expect(readAt(writeAt({ body: '{"a":"x"}' }, path, () => s), path)).toBe(s);
      }),
    );
  });
});

describe('s3-key', () => {
  it('encodes as S3 writes keys into notifications (FIELDS.md §3)', () => {
    expect(encodeS3Key('uploads/2024/Annual Report (2024) + notes.pdf')).toBe('uploads/2024/Annual+Report+%282024%29+%2B+notes.pdf');
    expect(codecs['s3-key'].decode('uploads/2024/Annual+Report+%282024%29+%2B+notes.pdf', {})).toBe('uploads/2024/Annual Report (2024) + notes.pdf');
  });

  it.each([
    ['red flower.jpg', 'red+flower.jpg'],
    ['this im + age', 'this+im+%2B+age'],
    ['a/b/c', 'a/b/c'],
    ['a=b:c', 'a%3Db%3Ac'],
    ['café', 'caf%C3%A9'],
    ['(x)', '%28x%29'],
  ])('%j → %j', (key, encoded) => {
    expect(encodeS3Key(key)).toBe(encoded);
  });

  it('never leaves a raw space or plus, lower-case hex or an encoded slash', () => {
    fc.assert(
      fc.property(wellFormedText, (key) => {
        const encoded = encodeS3Key(key);
        expect(encoded).not.toMatch(/ |%[0-9A-F]?[a-f]|%2F/);
        expect(encoded.replace(/[^+]/g, '').length).toBe(key.replace(/[^ ]/g, '').length);
      }),
    );
  });

  it('a key with a bad escape is not in this encoding', () => {
    expect(codecs['s3-key'].decode('bad%zzkey', {})).toBe(NO_MATCH);
  });
});

describe('cookie codecs', () => {
  const header = (cookie: string): { headers: { Cookie: string } } => deepFreeze({ headers: { Cookie: cookie } });
  const at = (name: string): ConcretePath => ['headers', 'Cookie', { codec: 'cookie-header' }, name];

  it('keeps the header splitting into the same cookies whatever the value', () => {
    const out = writeAt(header('session=abc; theme=dark'), at('session'), () => ' ;echo x; ');
    expect(out.headers.Cookie).toBe('session=%20%3Becho x%3B%20; theme=dark');
    expect(Object.keys(codecs['cookie-header'].decode(out.headers.Cookie, out) as object)).toEqual(['session', 'theme']);
  });

  it('leaves the raw text of cookies it did not change', () => {
    const out = writeAt(header('pref=a%20b; bad=%zz; n=1'), at('n'), () => '2');
    expect(out.headers.Cookie).toBe('pref=a%20b; bad=%zz; n=2');
  });

  it('reads values as the cookie package does: percent-decoded when valid, raw otherwise', () => {
    expect(codecs['cookie-header'].decode('a=x%3By; b=%zz; c=1=2', {})).toEqual({ a: 'x;y', b: '%zz', c: '1=2' });
    expect(codecs['cookie-header'].decode('novalue; a=1', {})).toBe(NO_MATCH);
    expect(codecs['cookie-pair'].decode('a=x%20y', {})).toBe('x y');
    expect(codecs['cookie-pair'].decode('=x', {})).toBe(NO_MATCH);
  });
});

describe('http-body', () => {
  it('is base64 exactly when the event says so', () => {
    const flagged = deepFreeze({ body: 'e30=', isBase64Encoded: true });
    const out = writeAt(flagged, ['body', { codec: 'http-body' }], () => '{"a":"é"}');
    expect(out.body).toBe(Buffer.from('{"a":"é"}').toString('base64'));
    expect(readAt(out, ['body', { codec: 'http-body' }, { codec: 'json' }, 'a'])).toBe('é');
    const plain = writeAt({ body: 'e30=', isBase64Encoded: false }, ['body', { codec: 'http-body' }], () => 'x y');
    expect(plain.body).toBe('x y');
  });

  it('a flagged body that is not base64 matches nothing', () => {
    expect(codecs['http-body'].decode('not base64!', { isBase64Encoded: true })).toBe(NO_MATCH);
  });
});

describe('json', () => {
  it('a field that is not JSON is not in this encoding', () => {
    expect(codecs.json.decode('Test message.', {})).toBe(NO_MATCH);
    expect(codecs.json.decode('{"a":1}', {})).toEqual({ a: 1 });
  });
});
