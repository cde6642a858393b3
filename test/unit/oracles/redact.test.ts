import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64StableFragments, redact, secretNeedles } from '../../../src/oracles/redact.js';

const SECRET = 'efzCanarySecretKey/0123456789+abcdefghijk';
const secrets = [{ name: 'AWS_SECRET_ACCESS_KEY', value: SECRET }];
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('redact', () => {
  it.each([
    ['verbatim', `key=${SECRET};`],
    ['JSON-escaped', JSON.stringify({ k: 'a"b' + SECRET })],
    ['URL-encoded', `?k=${encodeURIComponent(SECRET)}`],
    ['base64, offset 0', b64(SECRET)],
    ['base64, offset 1', b64(`x${SECRET}yz`)],
    ['base64, offset 2', b64(`xy${SECRET}z`)],
    ['hex', Buffer.from(SECRET).toString('hex')],
  ])('masks a %s secret with its name', (_label, text) => {
    const out = redact(text, secrets);
    expect(out).toContain('«AWS_SECRET_ACCESS_KEY»');
    expect(out).not.toContain(SECRET);
  });

  it('masks every occurrence and every secret, and labels unnamed ones', () => {
    const out = redact(`${SECRET} and hunter22 and ${SECRET}`, [...secrets, { value: 'hunter22' }]);
    expect(out).toBe('«AWS_SECRET_ACCESS_KEY» and «secret» and «AWS_SECRET_ACCESS_KEY»');
  });

  it.each([
    ['text without secrets', 'nothing to see here', secrets],
    ['values too short to mask', 'a = abc', [{ name: 'X', value: 'abc' }]],
    ['no secrets at all', `plain ${SECRET}`, []],
  ])('leaves %s unchanged', (_label, text, watched) => {
    expect(redact(text, watched)).toBe(text);
  });

  it('survives a hostile String.prototype.split', () => {
    const original = String.prototype.split;
    String.prototype.split = () => [];
    try {
      expect(redact(`x${SECRET}x`, secrets)).toBe('x«AWS_SECRET_ACCESS_KEY»x');
    } finally {
      String.prototype.split = original;
    }
  });

  it('finds the secret-only base64 fragment at every alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), fc.uint8Array({ maxLength: 9 }), fc.uint8Array({ maxLength: 9 }), (secret, before, after) => {
        const blob = Buffer.concat([before, secret, after]).toString('base64');
        const fragments = base64StableFragments(secret);
        expect(fragments.some((f) => f.length >= 8 && blob.includes(f))).toBe(true);
      }),
    );
  });

  it('drops encodings that equal the verbatim value', () => {
    expect(secretNeedles('abcdefgz').map((n) => n.encoding)).toEqual(['verbatim', 'base64', 'base64', 'base64', 'hex', 'hex']);
  });
});
