import { afterEach, describe, expect, it } from 'vitest';
import { installLogCapture, type LogCapture } from '../../../src/runners/log-capture.js';

describe('installLogCapture', () => {
  let capture: LogCapture | undefined;
  afterEach(() => {
    capture?.restore();
    capture = undefined;
  });

  it('records console and stdio writes as entries while active', () => {
    capture = installLogCapture();
    capture.begin();
    console.log('a %d', 1);
    console.error(new Map([[1, 2]]));
    process.stderr.write(Buffer.from('bytes\n'));
    expect(capture.end()).toEqual(['a 1', 'Map(1) { 1 => 2 }', 'bytes\n']);
  });

  it('caps bytes, cuts the entry that crosses the cap and counts the rest', () => {
    capture = installLogCapture({ maxBytes: 10, maxEntries: 5 });
    capture.begin();
    console.log('12345678');
    process.stdout.write(Buffer.alloc(1_000_000, 0x61));
    console.log('more');
    expect(capture.end()).toEqual(['12345678', 'aa', `… ${1_000_000 - 2 + 4} more bytes dropped`]);
  });

  it('caps entries', () => {
    capture = installLogCapture({ maxEntries: 3 });
    capture.begin();
    for (let i = 0; i < 10; i++) console.info('x');
    expect(capture.end()).toEqual(['x', 'x', 'x', '… 7 more bytes dropped']);
  });

  it('puts console and stdio back on restore', () => {
    const log = console.log;
    const write = process.stdout.write;
    installLogCapture().restore();
    expect(console.log).toBe(log);
    expect(process.stdout.write).toBe(write);
  });
});
