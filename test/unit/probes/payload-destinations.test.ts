import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isNamed, namedDestinations } from '../../../src/probes/payload-destinations.js';

const token = 'efzq7k2m9x4b1c8';
const base64 = (text: string): string => Buffer.from(text).toString('base64');

describe('namedDestinations: where the payload in an event says to connect', () => {
  it.each<[string, unknown, string, number]>([
    ['a URL in a JSON body', { body: JSON.stringify({ webhook: `http://127.0.0.1:6379/${token}` }) }, '127.0.0.1', 6379],
    ['a scheme-relative URL, default port', { Records: [{ body: `//127.1/${token}` }] }, '127.0.0.1', 80],
    ['an https URL in free text', { detail: { note: `see https://[::1]/x?${token} now` } }, '::1', 443],
    ['a percent-encoded S3 key', { key: encodeURIComponent(`http://localhost:8080/${token}`) }, 'localhost', 8080],
    ['base64 Kinesis data', { Records: [{ kinesis: { data: base64(`{"u":"http://127.0.0.1:9000/${token}"}`) } }] }, '127.0.0.1', 9000],
    ['gzip in base64 (CloudWatch Logs)', { awslogs: { data: gzipSync(`http://127.0.0.1:7000/${token}`).toString('base64') } }, '127.0.0.1', 7000],
  ])('reads %s', (_label, event, host, port) => {
    const named = namedDestinations(event);
    expect(isNamed(named, host, port)).toBe(true);
    expect(isNamed(named, host, null)).toBe(true); // DNS: the host alone
    expect(isNamed(named, host, port + 1)).toBe(false);
  });

  it('ignores URLs without a token, even next to one: the sample event names fixed services', () => {
    const named = namedDestinations({ body: `{"callback":"http://127.0.0.1:5432/db","id":"${token}"}` });
    expect(isNamed(named, '127.0.0.1', 5432)).toBe(false);
    expect(isNamed(named, '127.0.0.1', null)).toBe(false);
  });

  it('matches hosts in any spelling (normalised like the probe records them)', () => {
    expect(isNamed(namedDestinations({ u: `http://2130706433:81/${token}` }), '127.0.0.1', 81)).toBe(true);
    expect(isNamed(namedDestinations({ u: `http://127.0.0.1:81/${token}` }), '0x7f000001', 81)).toBe(true);
  });

  it('never throws and stops on cycles, throwing getters and odd shapes', () => {
    const cyclic: Record<string, unknown> = { u: `http://127.0.0.1:82/${token}` };
    cyclic['self'] = cyclic;
    Object.defineProperty(cyclic, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(isNamed(namedDestinations(cyclic), '127.0.0.1', 82)).toBe(true);
    for (const odd of [undefined, null, 42, 'plain', [1, [2]], Symbol('s')]) expect(() => namedDestinations(odd)).not.toThrow();
  });
});
