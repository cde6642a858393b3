import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Effect, ProcessEffect } from '../../../src/core/index.js';
import { effectLine, layerClientContext, readLayerAnswer, readLayerRequest, summaryLine } from '../../../src/layer/protocol.js';

const NONCE = 'n0nce-4f9a2c7e1b';
const withToken = (n: number): ProcessEffect => ({ kind: 'process', api: 'child_process.execSync', file: '/bin/sh', args: ['-c', `convert efzabcdefghij${String(n).padStart(2, '0')}`], script: `convert efzabcdefghij${String(n).padStart(2, '0')}`, blocked: true, callSite: 'index.mjs:3:5' });
const plain = (n: number): Effect => ({ kind: 'file', api: 'fs.readFileSync', op: 'read', path: `/var/task/templates/${createHash('sha256').update(String(n)).digest('base64')}.html`, resolved: `/var/task/templates/${n}.html`, blocked: false, callSite: 'index.mjs:9:1' });
const tokens = (effect: Effect): boolean => /efz[a-z0-9]{12}/.test(JSON.stringify(effect));
const contextOf = (encoded: string): unknown => ({ clientContext: JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown });

describe('layer protocol: the request in ClientContext', () => {
  it('round-trips through base64 JSON as the runtime hands it over, under custom (or Custom)', () => {
    const encoded = layerClientContext({ v: 1, nonce: NONCE, allowExec: true });
    expect(readLayerRequest(contextOf(encoded))).toEqual({ v: 1, nonce: NONCE, allowExec: true });
    expect(readLayerRequest({ clientContext: { Custom: { eventfuzz: { v: 1, nonce: NONCE } } } })).toEqual({ v: 1, nonce: NONCE, allowExec: false });
  });

  it.each([
    ['no client context (real traffic)', {}],
    ['another client context', { clientContext: { custom: { app: 'mobile' } } }],
    ['another version', { clientContext: { custom: { eventfuzz: { v: 2, nonce: NONCE } } } }],
    ['a nonce that could break a log line', { clientContext: { custom: { eventfuzz: { v: 1, nonce: 'a b\nEVENTFUZZ' } } } }],
    ['allowExec given as text', { clientContext: { custom: { eventfuzz: { v: 1, nonce: NONCE, allowExec: 'true' } } } }],
  ])('reads %s as no request, or with allowExec off', (_, context) => {
    const request = readLayerRequest(context);
    expect(request === undefined || request.allowExec === false).toBe(true);
    if (_ !== 'allowExec given as text') expect(request).toBeUndefined();
  });

  it("refuses a request larger than Lambda's ClientContext limit", () => {
    expect(() => layerClientContext({ v: 1, nonce: 'n'.repeat(3000), allowExec: false })).toThrow(RangeError);
  });
});

describe('layer protocol: the answer in the log', () => {
  it('prefers the summary line, and takes the layer lines out of the handler log', () => {
    const logs = [`START RequestId: r1\n${effectLine(NONCE, withToken(1))}handler says hi`, summaryLine(NONCE, [withToken(1), plain(2)], tokens), 'END RequestId: r1'];
    const answer = readLayerAnswer(logs, NONCE);
    expect(answer.effects).toEqual([withToken(1), plain(2)]);
    expect(answer.logs.join('\n')).not.toContain('EVENTFUZZ');
    expect(answer.logs.join('\n')).toContain('handler says hi');
  });

  it('falls back to the streamed lines when the runtime died before the summary', () => {
    const answer = readLayerAnswer([effectLine(NONCE, withToken(1)), effectLine(NONCE, plain(2)), 'RequestId: r1 Error: Runtime exited with error: exit status 1'], NONCE);
    expect(answer.effects).toEqual([withToken(1), plain(2)]);
  });

  it('without any layer line, reports no effects (unprobed), not an empty list', () => {
    expect(readLayerAnswer(['START', 'END'], NONCE).effects).toBeUndefined();
  });

  it("ignores lines of another invocation's nonce and lines that do not decode: they stay the handler's output", () => {
    const forged = effectLine('other-nonce-123', withToken(7));
    const broken = `EVENTFUZZ-EFFECTS ${NONCE} not-base64-gzip`;
    const answer = readLayerAnswer([forged, broken], NONCE);
    expect(answer.effects).toBeUndefined();
    expect(answer.logs.join('\n')).toContain('other-nonce-123');
    expect(answer.logs.join('\n')).toContain('not-base64-gzip');
  });

  it('keeps the summary within the tail, token-carrying effects first, and says how many it dropped', () => {
    const many: Effect[] = [...Array.from({ length: 150 }, (_, i) => plain(i)), withToken(1), withToken(2)];
    const line = summaryLine(NONCE, many, tokens);
    expect(line.length).toBeLessThan(3_400);
    const answer = readLayerAnswer([line], NONCE);
    expect(answer.effects?.slice(0, 2)).toEqual([withToken(1), withToken(2)]);
    expect(answer.dropped).toBe(many.length - (answer.effects?.length ?? 0));
    expect(answer.dropped).toBeGreaterThan(0);
  });

  it('takes the streamed lines over a trimmed summary when a full log (--logs cloudwatch) has all of them', () => {
    const many: Effect[] = [...Array.from({ length: 150 }, (_, i) => plain(i)), withToken(1)];
    const full = [...many.map((effect) => effectLine(NONCE, effect)), summaryLine(NONCE, many, tokens)];
    expect(readLayerAnswer(full, NONCE)).toMatchObject({ effects: many, dropped: 0 });
    // The tail alone (the last lines only): the summary, trimmed, and what it dropped counted.
    const tail = readLayerAnswer(full.slice(-3), NONCE);
    expect(tail.dropped).toBeGreaterThan(0);
    expect(tail.effects?.[0]).toEqual(withToken(1));
  });

  it('clips a huge streamed effect so one command cannot fill the tail', () => {
    const huge: ProcessEffect = { ...withToken(3), script: `echo ${'A'.repeat(50_000)} efzabcdefghij03` };
    expect(effectLine(NONCE, huge).length).toBeLessThan(2_500);
  });
});
