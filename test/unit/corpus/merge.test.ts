import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CorpusEntry } from '../../../src/corpus/entry.js';
import { mergeCorpora } from '../../../src/corpus/merge.js';
import { readCorpus, readJsonFile } from '../../../src/corpus/store.js';
import { readSeeds } from '../../../src/corpus/seeds.js';

const root = mkdtempSync(join(tmpdir(), 'efz-merge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let next = 0;
const freshDir = (name: string): string => join(root, `${name}-${next++}`);

const CANARY = 'efzabcdefghijkl';

/** An entry as a run stores it; `body` sets the size of its case. */
function entry(overrides: { id?: string; oracle?: string; dedupeKey?: string; confidence?: 'confirmed' | 'tainted'; ref?: string; body?: string } = {}): CorpusEntry {
  const body = overrides.body ?? `x || efzcanary ${CANARY}`;
  return {
    version: 1,
    id: overrides.id ?? 'abc123abc123',
    tool: { name: 'eventfuzz', version: '0.1.0' },
    target: { kind: 'local', ref: overrides.ref ?? 'src/orders.mjs#handler' },
    seed: 1,
    finding: {
      oracle: overrides.oracle ?? 'command-injection',
      confidence: overrides.confidence ?? 'confirmed',
      severity: 'critical',
      title: 'Command injection via child_process.exec',
      dedupeKey: overrides.dedupeKey ?? 'command-injection|src/orders.mjs:12:3',
      injectionPoint: 'Records[*].body',
      payloadId: 'ci-or',
    },
    case: { source: 'sqs', event: { Records: [{ body }] }, canary: CANARY, injection: { point: 'Records[*].body', target: 'Records[0].body', payloadId: 'ci-or', family: 'command-injection', placement: 'append', payload: ' || efzcanary' }, mutators: [] },
  };
}

function corpus(name: string, files: Record<string, unknown>): string {
  const dir = freshDir(name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

/** Every file under `dir` with its text, by path relative to it. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

const keptEntries = (dir: string): CorpusEntry[] => readCorpus([dir]).map(({ entry: e }) => e);

describe('mergeCorpora', () => {
  it('keeps one entry per bug: the confirmed proof over a tainted one, whichever corpus holds it', () => {
    const tainted = corpus('a', { 'sqs/command-injection-abc123abc123.json': entry({ confidence: 'tainted', body: 'short' }) });
    const confirmed = corpus('b', { 'sqs/command-injection-abc123abc123.json': entry({ confidence: 'confirmed' }) });
    for (const inputs of [[tainted, confirmed], [confirmed, tainted]]) {
      const out = freshDir('out');
      const summary = mergeCorpora(inputs, out);
      expect(summary.findings).toEqual({ read: 2, kept: 1, duplicates: 1 });
      expect(keptEntries(out).map((e) => e.finding.confidence)).toEqual(['confirmed']);
    }
  });

  it('between equal proofs keeps the smaller case (the better shrunk one), then the lower id', () => {
    const big = corpus('a', { 'sqs/x.json': entry({ body: `${'padding '.repeat(40)}|| efzcanary ${CANARY}` }) });
    const small = corpus('b', { 'sqs/x.json': entry() });
    expect(mergeCorpora([big, small], freshDir('out')).written).toHaveLength(1);
    const out = freshDir('out');
    mergeCorpora([big, small], out);
    expect(keptEntries(out)[0]!.case.event).toEqual(entry().case.event);

    const high = corpus('c', { 'sqs/y.json': entry({ id: 'bbbbbbbbbbbb', dedupeKey: 'same' }) });
    const low = corpus('d', { 'sqs/y.json': entry({ id: 'aaaaaaaaaaaa', dedupeKey: 'same' }) });
    const out2 = freshDir('out');
    mergeCorpora([high, low], out2);
    expect(keptEntries(out2).map((e) => e.id)).toEqual(['aaaaaaaaaaaa']);
  });

  it('keeps distinct bugs apart: another oracle, another dedupe key, another target are other findings', () => {
    const a = corpus('a', { 'sqs/1.json': entry(), 'sqs/2.json': entry({ oracle: 'crash', id: 'cccccccccccc', dedupeKey: 'crash|TypeError' }) });
    const b = corpus('b', { 'sqs/1.json': entry({ dedupeKey: 'command-injection|src/orders.mjs:40:1', id: 'dddddddddddd' }), 'sqs/2.json': entry({ ref: 'src/refunds.mjs#handler' }) });
    const out = freshDir('out');
    const summary = mergeCorpora([a, b], out);
    expect(summary.findings).toEqual({ read: 4, kept: 4, duplicates: 0 });
    // Two targets with the same dedupe key have the same id: both are kept, each named by its target too.
    const files = Object.keys(snapshot(out)).sort();
    expect(files.filter((f) => !/^sqs\/command-injection-abc123abc123-[0-9a-f]{8}\.json$/.test(f))).toEqual(['sqs/command-injection-dddddddddddd.json', 'sqs/crash-cccccccccccc.json']);
    expect(files).toHaveLength(4);
    expect(new Set(keptEntries(out).map((e) => e.target.ref))).toEqual(new Set(['src/orders.mjs#handler', 'src/refunds.mjs#handler']));
  });

  it('gives the same files whatever the order of its inputs, and a second merge changes nothing', () => {
    const a = corpus('a', { 'sqs/1.json': entry({ body: `long long || efzcanary ${CANARY}` }), 'seeds/order.json': { Records: [{ body: '{"id":1}' }] } });
    const b = corpus('b', { 'sqs/1.json': entry(), 'seeds/order.json': { Records: [{ body: '{"id":2}' }] } });
    const c = corpus('c', { 'sqs/2.json': entry({ oracle: 'crash', id: 'cccccccccccc', dedupeKey: 'crash|TypeError' }) });
    const one = freshDir('out');
    const other = freshDir('out');
    mergeCorpora([a, b, c], one);
    mergeCorpora([c, b, a], other);
    expect(snapshot(other)).toEqual(snapshot(one));
    const before = snapshot(one);
    const again = mergeCorpora([a, b, c], one);
    expect(again.written).toEqual([]);
    expect(again.removed).toEqual([]);
    expect(snapshot(one)).toEqual(before);
  });

  it('copies seeds, identical ones once (however their JSON is laid out), different ones at one path both', () => {
    const seed = { Records: [{ body: '{"id":1}', messageId: 'm-1' }] };
    const a = corpus('a', { 'seeds/sqs/order.json': seed });
    const b = corpus('b', { 'seeds/sqs/order.json': JSON.stringify({ Records: [{ messageId: 'm-1', body: '{"id":1}' }] }) });
    const c = corpus('c', { 'seeds/sqs/order.json': { Records: [{ body: '{"id":2}' }] } });
    const same = freshDir('out');
    expect(mergeCorpora([a, b], same).seeds).toEqual({ read: 2, kept: 1, duplicates: 1 });
    expect(Object.keys(snapshot(same))).toEqual(['seeds/sqs/order.json']);
    expect(readJsonFile(join(same, 'seeds/sqs/order.json'))).toEqual(seed);

    const different = freshDir('out');
    expect(mergeCorpora([a, c], different).seeds).toEqual({ read: 2, kept: 2, duplicates: 0 });
    expect(readSeeds([different]).map(({ seed: s }) => (s.event as typeof seed).Records[0]!.body).sort()).toEqual(['{"id":1}', '{"id":2}']);
  });

  it('merges into an existing corpus: keeps what it holds, replaces a weaker duplicate, leaves other files alone', () => {
    const out = corpus('committed', {
      'sqs/old-name.json': entry({ confidence: 'tainted' }),
      'sqs/crash-cccccccccccc.json': entry({ oracle: 'crash', id: 'cccccccccccc', dedupeKey: 'crash|TypeError' }),
      'report.json': { findings: [] },
    });
    const shard = corpus('shard', { 'sqs/command-injection-abc123abc123.json': entry({ confidence: 'confirmed' }) });
    const summary = mergeCorpora([shard], out);
    expect(summary.intoExisting).toBe(true);
    expect(summary.removed).toEqual(['sqs/old-name.json']);
    expect(Object.keys(snapshot(out)).sort()).toEqual(['report.json', 'sqs/command-injection-abc123abc123.json', 'sqs/crash-cccccccccccc.json']);
    expect(keptEntries(out).map((e) => `${e.finding.oracle}:${e.finding.confidence}`).sort()).toEqual(['command-injection:confirmed', 'crash:confirmed']);
  });

  it('writes nothing when an input is damaged, and names the file', () => {
    const good = corpus('good', { 'sqs/1.json': entry() });
    const damaged = corpus('damaged', { 'sqs/2.json': '{"version": 1, "id": ' });
    const out = freshDir('out');
    expect(() => mergeCorpora([good, damaged], out)).toThrow(/sqs\/2\.json: not valid JSON/);
    expect(() => statSync(out)).toThrow();

    const badSeed = corpus('bad-seed', { 'seeds/order.json': '[1, 2]' });
    const existing = corpus('existing', { 'sqs/1.json': entry() });
    const before = snapshot(existing);
    expect(() => mergeCorpora([good, badSeed], existing)).toThrow(/seeds\/order\.json: a seed event is a JSON object/);
    expect(snapshot(existing)).toEqual(before);
  });

  it('refuses an --out inside an input or an input inside --out, and an --out that is a file', () => {
    const a = corpus('a', { 'sqs/1.json': entry() });
    expect(() => mergeCorpora([a], join(a, 'merged'))).toThrow(/inside/);
    expect(() => mergeCorpora([join(a, 'sqs')], a)).toThrow(/inside --out/);
    expect(() => mergeCorpora([a], join(a, 'sqs/1.json'))).toThrow(/not a directory/);
    expect(() => mergeCorpora([], freshDir('out'))).toThrow(/at least one/);
    expect(() => mergeCorpora([join(root, 'missing')], freshDir('out'))).toThrow(/does not exist/);
  });
});
