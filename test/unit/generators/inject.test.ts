import { describe, expect, it } from 'vitest';
import type { Placement } from '../../../src/core/index.js';
import { formatPath, place, readAt, resolvePaths, writeAt } from '../../../generators/inject.js';
import type { ConcretePath, Path } from '../../../generators/inject.js';
import { deepFreeze, eventFixture } from '../../helpers/event-fixtures.js';

/** An SQS record whose body is an SNS notification (raw delivery off) whose Message is JSON: two JSON layers. */
function sqsOfSns(): { Records: { body: string; messageId: string; attributes: { SentTimestamp: string } }[] } {
  const sns = { Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: JSON.stringify({ orderId: 'o-1', qty: 2 }) };
  return {
    Records: [
      { body: JSON.stringify(sns), messageId: 'id-0', attributes: { SentTimestamp: '1' } },
      { body: 'plain text', messageId: 'id-1', attributes: { SentTimestamp: '2' } },
    ],
  };
}

describe('formatPath', () => {
  it.each<[Path, string]>([
    [['Records', '*', 'body'], 'Records[*].body'],
    [['Records', 0, 'body', { codec: 'json' }, 'orderId'], 'Records[0].body<json>.orderId'],
    [['*', 'x'], '*.x'],
    [['body', '**'], 'body.**'],
    [['**'], '**'],
    [['headers', 'X-Forwarded-For'], 'headers.X-Forwarded-For'],
    [['responseElements', 'x-amz-id-2'], 'responseElements.x-amz-id-2'],
    [['queryStringParameters', 'tag[]'], 'queryStringParameters["tag[]"]'],
    [['a', 'has space', 'b.c'], 'a["has space"]["b.c"]'],
    [['m', '0'], 'm["0"]'],
    [[0, 'x'], '[0].x'],
    [['Records', 0, 's3', 'object', 'key', { codec: 's3-key' }], 'Records[0].s3.object.key<s3-key>'],
    [[], ''],
  ])('%j → %s', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('resolvePaths', () => {
  const event = deepFreeze(sqsOfSns());

  it("expands '*' over array elements and object keys", () => {
    expect(resolvePaths(event, ['Records', '*', 'body'])).toEqual([
      ['Records', 0, 'body'],
      ['Records', 1, 'body'],
    ]);
    expect(resolvePaths({ m: { a: 'x', b: 'y', c: 3 } }, ['m', '*'])).toEqual([
      ['m', 'a'],
      ['m', 'b'],
    ]);
  });

  it("collects every string leaf below '**', not through encodings", () => {
    expect(resolvePaths(event, ['Records', 1, '**'])).toEqual([
      ['Records', 1, 'body'],
      ['Records', 1, 'messageId'],
      ['Records', 1, 'attributes', 'SentTimestamp'],
    ]);
  });

  it('decodes through codecs, and a field not in that encoding matches nothing', () => {
    // Record 1's body is not JSON: no match there, no error
    expect(resolvePaths(event, ['Records', '*', 'body', { codec: 'json' }, 'Message', { codec: 'json' }, 'orderId'])).toEqual([
      ['Records', 0, 'body', { codec: 'json' }, 'Message', { codec: 'json' }, 'orderId'],
    ]);
    expect(resolvePaths({ body: 'not json' }, ['body', { codec: 'json' }, '**'])).toEqual([]);
    expect(resolvePaths({ body: 'not base64!' }, ['body', { codec: 'base64' }])).toEqual([]);
  });

  it('names only fields that hold strings', () => {
    expect(resolvePaths(event, ['Records', 0, 'body', { codec: 'json' }, 'Message', { codec: 'json' }, 'qty'])).toEqual([]);
    expect(resolvePaths(event, ['Records', 0, 'missing'])).toEqual([]);
  });

  it('reaches cookies through the cookie-header codec', () => {
    const rest = eventFixture('apigw-rest/proxy');
    expect(resolvePaths(rest, ['headers', 'Cookie', { codec: 'cookie-header' }, '*']).map(formatPath)).toEqual([
      'headers.Cookie<cookie-header>.session',
      'headers.Cookie<cookie-header>.theme',
    ]);
  });
});

describe('readAt', () => {
  it('returns the decoded value, or undefined when the path is not there', () => {
    const event = sqsOfSns();
    expect(readAt(event, ['Records', 0, 'body', { codec: 'json' }, 'Message', { codec: 'json' }, 'orderId'])).toBe('o-1');
    expect(readAt(event, ['Records', 1, 'body', { codec: 'json' }])).toBeUndefined();
    expect(readAt(event, ['Records', 5, 'body'])).toBeUndefined();
    expect(readAt(event, ['Records', 0, 'messageId', 'x'])).toBeUndefined();
  });
});

describe('writeAt', () => {
  const nested: ConcretePath = ['Records', 0, 'body', { codec: 'json' }, 'Message', { codec: 'json' }, 'orderId'];

  it('writes through nested codecs and re-encodes every layer', () => {
    const event = deepFreeze(sqsOfSns());
    const out = writeAt(event, nested, () => '$(id)');
    expect(readAt(out, nested)).toBe('$(id)');
    const body = JSON.parse(out.Records[0]!.body) as Record<string, unknown>;
    expect(body['Type']).toBe('Notification');
    expect(JSON.parse(body['Message'] as string)).toEqual({ orderId: '$(id)', qty: 2 });
  });

  it('is copy-on-write: the input is unchanged and untouched subtrees are shared', () => {
    const event = deepFreeze(sqsOfSns()); // a write to the input would throw
    const before = JSON.stringify(event);
    const out = writeAt(event, ['Records', 0, 'messageId'], () => 'changed');
    expect(JSON.stringify(event)).toBe(before);
    expect(out).not.toBe(event);
    expect(out.Records).not.toBe(event.Records);
    expect(out.Records[1]).toBe(event.Records[1]);
    expect(out.Records[0]!.attributes).toBe(event.Records[0]!.attributes);
    expect(out.Records[0]!.messageId).toBe('changed');
  });

  it('passes the old value to update', () => {
    const out = writeAt({ a: { b: 'x' } }, ['a', 'b'], (old) => `${String(old)}y`);
    expect(out).toEqual({ a: { b: 'xy' } });
  });

  it('may write a non-string at a JSON position: the json codec stringifies the document', () => {
    const out = writeAt({ body: '{"user":"alice"}' }, ['body', { codec: 'json' }, 'user'], () => ({ $ne: null }));
    expect(out.body).toBe('{"user":{"$ne":null}}');
  });

  it('adds a missing last key, but no missing container on the way', () => {
    const event = deepFreeze({ q: { tag: 'blue' } as Record<string, string> });
    expect(writeAt(event, ['q', 'tag[]'], () => 'blue')).toEqual({ q: { tag: 'blue', 'tag[]': 'blue' } });
    const unchanged = writeAt(event, ['missing', 'x'], () => 'v');
    expect(unchanged).toBe(event);
    expect(Object.keys(unchanged)).toEqual(['q']);
  });

  it('returns the event itself when nothing changes', () => {
    const event = deepFreeze({ body: '{ "a" : "x" }', n: 1 });
    expect(writeAt(event, ['body', { codec: 'json' }, 'a'], (old) => old)).toBe(event);
    expect(writeAt(event, ['n', { codec: 'json' }], () => 'x')).toBe(event); // a number holds no encoding
    expect(writeAt(event, ['missing', { codec: 's3-key' }], () => 'x')).toBe(event);
  });

  it('creates a `__proto__` key as a plain property, never changing a prototype', () => {
    const out = writeAt({ a: {} }, ['a', '__proto__'], () => ({ polluted: true })) as { a: object };
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
    expect(Object.hasOwn(out.a, '__proto__')).toBe(true);
    expect(JSON.stringify(out)).toBe('{"a":{"__proto__":{"polluted":true}}}');
  });
});

describe('place', () => {
  it.each<[string, Placement, string]>([
    ['report.csv', 'replace', 'P'],
    ['report.csv', 'append', 'report.csvP'],
    ['report.csv', 'before-extension', 'reportP.csv'],
    ['archive.tar.gz', 'before-extension', 'archive.tarP.gz'],
    ['uploads/2024/file', 'before-extension', 'uploads/2024/fileP'],
    ['dir.v2/file', 'before-extension', 'dir.v2/fileP'],
    ['.env', 'before-extension', '.envP'],
    ['a/.hidden', 'before-extension', 'a/.hiddenP'],
    // No extension after the last dot: appended, not spliced into a JSON document or a sentence.
    ['{"price":1.5,"note":"ok"}', 'before-extension', '{"price":1.5,"note":"ok"}P'],
    ['Order shipped. Thanks!', 'before-extension', 'Order shipped. Thanks!P'],
    ['', 'append', 'P'],
    ['site/en/page.md', 'segment', 'site/P/page.md'],
    ['page.md', 'segment', 'P'],
    // Slashes of a document are not directories: appended.
    ['{"url":"https://a.example/x"}', 'segment', '{"url":"https://a.example/x"}P'],
  ])('%j with %s → %j', (original, placement, expected) => {
    expect(place(original, 'P', placement)).toBe(expected);
  });
});
