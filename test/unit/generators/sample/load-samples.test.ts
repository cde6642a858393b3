import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHarnessError } from '../../../../src/core/errors.js';
import { loadSamples } from '../../../../generators/sample/index.js';
import { locateJsonError } from '../../../../generators/sample/json-error.js';

const dir = mkdtempSync(join(tmpdir(), 'efz-samples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The HarnessError `loadSamples(path)` throws; fails the test when it does not throw one. */
function loadError(path: string): { code: string; message: string } {
  try {
    loadSamples(path);
  } catch (error) {
    if (isHarnessError(error)) return error;
    throw error;
  }
  throw new Error(`loadSamples(${path}) did not throw`);
}

describe('loadSamples', () => {
  it('reads one event as a list of one', () => {
    expect(loadSamples(file('one.json', '{"a":1}'))).toEqual([{ a: 1 }]);
  });

  it('reads an array of events in order', () => {
    expect(loadSamples(file('many.json', '[{"a":1},{"b":2}]'))).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("refuses a sample over Lambda's 6 MB invocation payload, naming the limit; one just under it loads", () => {
    const body = (n: number): string => JSON.stringify({ body: 'x'.repeat(n - 11) }); // {"body":"…"} is n bytes
    const limit = 6 * 1024 * 1024;
    expect(loadSamples(file('at-limit.json', body(limit)))).toHaveLength(1);
    const over = loadError(file('over.json', body(limit + 1)));
    expect(over.code).toBe('EFZ_SAMPLE_INVALID');
    expect(over.message).toMatch(/over\.json" is 6,291,457 bytes of JSON, over Lambda's invocation payload limit of 6 MB/);
    expect(loadError(file('over-many.json', `[{"a":1},${body(limit + 1)}]`)).message).toMatch(/element \[1\] is 6,291,457 bytes/);
  });

  it('refuses an SQS batch of more than 10,000 records; 10,000 load, as do other events with many records', () => {
    const batch = (n: number, eventSource: string): string => JSON.stringify({ Records: Array.from({ length: n }, () => ({ eventSource, body: 'b' })) });
    expect(loadSamples(file('sqs-10000.json', batch(10_000, 'aws:sqs')))).toHaveLength(1);
    expect(loadError(file('sqs-10001.json', batch(10_001, 'aws:sqs'))).message).toMatch(/holds 10,001 SQS records, over the 10,000 records an SQS trigger delivers in one batch/);
    expect(loadSamples(file('other-10001.json', batch(10_001, 'aws:custom')))).toHaveLength(1);
  });

  it('ignores a byte-order mark', () => {
    expect(loadSamples(file('bom.json', '\uFEFF{"a":1}'))).toEqual([{ a: 1 }]);
  });

  it.each<[string, string, string, RegExp]>([
    ['invalid JSON, with line and column', 'bad.json', '{\n  "a": 1,\n  "b": }\n', /bad\.json" is not valid JSON at line 3, column 8 \(position 19\)/],
    ['truncated JSON', 'cut.json', '{"a": [1, 2', /cut\.json" is not valid JSON at line 1, column 12/],
    ['a number', 'number.json', '42', /number\.json" holds a number; it must hold one event \(a JSON object\) or an array of events/],
    ['null', 'null.json', 'null', /holds null/],
    ['a string', 'string.json', '"event"', /holds a string/],
    ['an empty array', 'empty-array.json', '[]', /empty-array\.json" holds an empty array; give at least one event/],
    ['an array with a non-object', 'mixed.json', '[{"a":1}, "x"]', /mixed\.json" element \[1\] is a string, but every element/],
    ['an array of arrays', 'nested.json', '[[{"a":1}]]', /element \[0\] is an array/],
    ['an empty file', 'blank.json', '  \n', /blank\.json" is empty/],
  ])('rejects %s', (_label, name, text, message) => {
    const error = loadError(file(name, text));
    expect(error.code).toBe('EFZ_SAMPLE_INVALID');
    expect(error.message).toMatch(message);
  });

  it('rejects a missing file, naming it', () => {
    const error = loadError(join(dir, 'nope.json'));
    expect(error.code).toBe('EFZ_SAMPLE_INVALID');
    expect(error.message).toBe(`Cannot read sample file "${join(dir, 'nope.json')}": no such file.`);
  });

  it('rejects a directory', () => {
    const sub = join(dir, 'a-dir');
    mkdirSync(sub);
    expect(loadError(sub).message).toMatch(/a-dir": it is a directory, not a file\./);
  });
});

describe('locateJsonError', () => {
  it.each<[string, number | undefined]>([
    ['{"a":1}', undefined],
    ['  [1, 2.5e3, -0, true, false, null, "x\\u00e9\\n", {}] ', undefined],
    ['{"a":}', 5],
    ['{"a" 1}', 5],
    ['[1,]', 3],
    ['[01]', 2],
    ['{"a":1} x', 8],
    ['"tab\there"', 4],
    ['{"a":"\\x"}', 6],
    ['', 0],
  ])('%j → %j', (text, offset) => {
    expect(locateJsonError(text)?.offset).toBe(offset);
  });
});
