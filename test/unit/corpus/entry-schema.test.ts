import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusEntryJsonSchema, entryProblem } from '../../../src/corpus/entry-schema.js';
import { createCorpusStore, readCorpus } from '../../../src/corpus/store.js';

const dir = mkdtempSync(join(tmpdir(), 'efz-corpus-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function savedEntry(): Promise<Record<string, unknown>> {
  const store = createCorpusStore(join(dir, 'corpus'), { target: { kind: 'local', ref: 'h.mjs#handler' }, seed: 7, toolVersion: '0.1.0', shownFrom: dir });
  const saved = await store.save({
    id: 'abc123', oracle: 'crash', confidence: 'confirmed', severity: 'medium', title: 'Handler threw', dedupeKey: 'crash|TypeError', injectionPoint: 'Records[*].body', payloadId: 'ci-or',
    case: { source: 'sqs', event: { Records: [{ body: 'x || efzcanary efzabcdefghijkl' }] }, canary: 'efzabcdefghijkl', injection: { point: 'Records[*].body', target: 'Records[0].body', payloadId: 'ci-or', family: 'command-injection', placement: 'append', payload: ' || efzcanary efzabcdefghijkl' }, mutators: [] },
  });
  return JSON.parse(readFileSync(join(dir, saved), 'utf8')) as Record<string, unknown>;
}

describe('src/corpus/corpus-entry.schema.json', () => {
  // Regenerate after changing src/corpus/entry-schema.ts: npx vitest run --config test/vitest.config.ts test/unit/corpus -u
  it('is the JSON Schema generated from the zod schema replay validates with', async () => {
    await expect(`${JSON.stringify(corpusEntryJsonSchema(), null, 2)}\n`).toMatchFileSnapshot('../../../src/corpus/corpus-entry.schema.json');
  });
});

describe('entryProblem', () => {
  it('accepts what the store writes', async () => {
    expect(entryProblem(await savedEntry())).toBeUndefined();
  });

  it.each([
    ['a wrong version', (e: Record<string, any>) => ({ ...e, version: 2 }), /^"version" expected 1/],
    ['no seed', ({ seed: _, ...e }: Record<string, any>) => e, /^"seed" expected number/],
    ['an unknown target kind', (e: Record<string, any>) => ({ ...e, target: { ...e['target'], kind: 'ftp' } }), /^"target\.kind" /],
    ['no dedupe key', (e: Record<string, any>) => ({ ...e, finding: { ...e['finding'], dedupeKey: undefined } }), /^"finding\.dedupeKey" expected string/],
    ['a canary that is not one', (e: Record<string, any>) => ({ ...e, case: { ...e['case'], canary: 'hello' } }), /^"case\.canary" is not an eventfuzz canary/],
    ['an unknown placement', (e: Record<string, any>) => ({ ...e, case: { ...e['case'], injection: { ...e['case'].injection, placement: 'sideways' } } }), /^"case\.injection\.placement" /],
  ])('names the key of %s', async (_name, damage, message) => {
    expect(entryProblem(damage(await savedEntry()))).toMatch(message);
  });

  it('keeps keys a later version adds, and replay reads such an entry', async () => {
    const entry = { ...(await savedEntry()), addedLater: { x: 1 } };
    expect(entryProblem(entry)).toBeUndefined();
    const file = join(dir, 'later.json');
    writeFileSync(file, JSON.stringify(entry));
    expect(readCorpus([file])[0]!.entry.seed).toBe(7);
  });

  it('a damaged entry in a directory is an error naming the file and key, not skipped', async () => {
    const entry = await savedEntry();
    const corpus = mkdtempSync(join(dir, 'damaged-'));
    writeFileSync(join(corpus, 'good.json'), JSON.stringify(entry));
    writeFileSync(join(corpus, 'bad.json'), JSON.stringify({ ...entry, case: { ...(entry['case'] as object), canary: 42 } }));
    expect(() => readCorpus([corpus])).toThrow(/bad\.json: not a valid eventfuzz corpus entry: "case\.canary" expected string/);
  });
});
