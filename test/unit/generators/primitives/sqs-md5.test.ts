import type { SQSEvent, SQSMessageAttributes } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5Hex, md5OfBody, md5OfMessageAttributes } from '../../../../generators/primitives/sqs-md5.js';

// The reference samples, copied into the repo: CI clones the repository alone.
const sample = (name: string): SQSEvent => JSON.parse(readFileSync(`test/fixtures/events/sqs/${name}`, 'utf8')) as SQSEvent;

/** The algorithm written out the slow, obvious way, to check the two-pass buffer version against. */
function reference(attributes: SQSMessageAttributes): string | null {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return null;
  const hash = createHash('md5');
  const prefixed = (bytes: Buffer): void => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of names) {
    const a = attributes[name]!;
    prefixed(Buffer.from(name));
    prefixed(Buffer.from(a.dataType));
    if (a.stringValue != null) {
      hash.update(Buffer.from([1]));
      prefixed(Buffer.from(a.stringValue));
    } else if (a.binaryValue != null) {
      hash.update(Buffer.from([2]));
      prefixed(Buffer.from(a.binaryValue, 'base64'));
    }
  }
  return hash.digest('hex');
}

const attribute = fc.oneof(
  fc.record({ stringValue: fc.string({ unit: 'grapheme' }), dataType: fc.constantFrom('String', 'Number', 'String.custom', 'Number.int') }),
  fc.record({ binaryValue: fc.uint8Array().map((bytes) => Buffer.from(bytes).toString('base64')), dataType: fc.constantFrom('Binary', 'Binary.gz') }),
);
const attributeMap = fc.dictionary(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), attribute, { maxKeys: 10 }) as fc.Arbitrary<SQSMessageAttributes>;

describe('sqs md5', () => {
  it('matches md5OfBody and md5OfMessageAttributes of the reference samples (real SQS values)', () => {
    for (const file of ['standard.json', 'fifo.json']) {
      for (const record of sample(file).Records) {
        expect(md5OfBody(record.body)).toBe(record.md5OfBody);
        expect(md5OfMessageAttributes(record.messageAttributes)).toBe(record.md5OfMessageAttributes ?? null);
      }
    }
    // The String + Number + Binary record: the value SQS itself computed.
    expect(md5OfMessageAttributes(sample('standard.json').Records[0]!.messageAttributes)).toBe('a92a8e447679fdfbf08255b05eb45d4b');
  });

  it('is null without attributes', () => {
    expect(md5OfMessageAttributes({})).toBeNull();
  });

  it('hashes the UTF-8 bytes of the body', () => {
    expect(md5OfBody('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5OfBody('Test message.')).toBe('e4e68fb7bd0e697a0ae8f1bb342846b3');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (body) => md5OfBody(body) === createHash('md5').update(body, 'utf8').digest('hex')));
    expect(md5Hex(Buffer.from([1, 2, 3]))).toBe(createHash('md5').update(Buffer.from([1, 2, 3])).digest('hex'));
  });

  it('agrees with the straightforward algorithm for any attributes (unicode names, custom types, binary)', () => {
    fc.assert(fc.property(attributeMap, (attributes) => md5OfMessageAttributes(attributes) === reference(attributes)), { numRuns: 1000 });
  });

  it('does not depend on the order the attributes were written in', () => {
    fc.assert(
      fc.property(attributeMap, (attributes) => {
        const reversed = Object.fromEntries(Object.entries(attributes).reverse()) as SQSMessageAttributes;
        return md5OfMessageAttributes(reversed) === md5OfMessageAttributes(attributes);
      }),
    );
  });

  it('depends on the data type label and the transport', () => {
    const base = md5OfMessageAttributes({ n: { stringValue: '5', dataType: 'Number' } });
    expect(md5OfMessageAttributes({ n: { stringValue: '5', dataType: 'String' } })).not.toBe(base);
    expect(md5OfMessageAttributes({ n: { stringValue: '5', dataType: 'Number.int' } })).not.toBe(base);
    expect(md5OfMessageAttributes({ n: { binaryValue: Buffer.from('5').toString('base64'), dataType: 'Number' } })).not.toBe(base);
  });
});
