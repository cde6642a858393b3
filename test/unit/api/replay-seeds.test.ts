import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayOutcome } from '../../../src/api/replay.js';
import { replay, replayFoundOn } from '../../../src/api/replay.js';
import { readCorpus } from '../../../src/corpus/store.js';
import { readSeeds } from '../../../src/corpus/seeds.js';

const dir = mkdtempSync(join(tmpdir(), 'efz-seeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BUGGY = 'test/fixtures/seeds/orders.mjs';
const FIXED = 'test/fixtures/seeds/orders-fixed.mjs';

/** A real SQS event (the reference sample) whose one record carries `body`. */
function sqsEvent(body: unknown): unknown {
  const event = JSON.parse(readFileSync('test/fixtures/events/sqs/standard.json', 'utf8')) as { Records: Array<Record<string, unknown>> };
  return { Records: [{ ...event.Records[0]!, body: JSON.stringify(body) }] };
}

function corpusWith(files: Record<string, unknown>): string {
  const corpus = mkdtempSync(join(dir, 'corpus-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(corpus, path, '..'), { recursive: true });
    writeFileSync(join(corpus, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return corpus;
}

const verdicts = (outcomes: readonly ReplayOutcome[]) => outcomes.map((o) => [o.kind, o.reproduces]);

describe('seed events beside the findings', () => {
  it('replays a raw event from seeds/ (source recognised): it fails while the handler crashes on it, passes once fixed', async () => {
    const corpus = corpusWith({ 'seeds/null-discount.json': sqsEvent({ id: 'o-1', discount: null }), 'seeds/sqs/plain.json': sqsEvent({ id: 'o-2' }) });
    const buggy = await replay({ paths: [corpus], handler: BUGGY, runner: 'in-process' });
    expect(buggy.map((o) => [o.file.slice(corpus.length), o.reproduces])).toEqual([
      ['/seeds/null-discount.json', true],
      ['/seeds/sqs/plain.json', false],
    ]);
    expect(buggy[0]!.seen.join(' ')).toMatch(/TypeError/);
    expect(buggy.every((o) => o.kind === 'seed' && o.source === 'sqs')).toBe(true);
    expect(verdicts(await replay({ paths: [corpus], handler: FIXED, runner: 'in-process' }))).toEqual([
      ['seed', false],
      ['seed', false],
    ]);
  });

  it('runs a wrapped seed on the target its file names, with the source it says', async () => {
    const corpus = corpusWith({ 'seeds/named.json': { kind: 'seed', name: 'removed discount', source: 'sqs', target: { kind: 'local', ref: `${BUGGY}#handler` }, event: sqsEvent({ id: 'o-1', discount: null }) } });
    const [outcome] = await replay({ paths: [corpus], runner: 'in-process' });
    expect(outcome).toMatchObject({ kind: 'seed', reproduces: true, source: 'sqs', seed: { name: 'removed discount' } });
  });

  it('refuses a seed with no target to run on, and one whose source cannot be told, naming the file', async () => {
    const untargeted = corpusWith({ 'seeds/a.json': sqsEvent({ id: 'o-1' }) });
    await expect(replay({ paths: [untargeted], runner: 'in-process' })).rejects.toThrow(/seeds\/a\.json: a seed event names no target to replay on; pass --handler/);
    const unknown = corpusWith({ 'seeds/b.json': { something: 'else' } });
    await expect(replay({ paths: [unknown], handler: FIXED, runner: 'in-process' })).rejects.toThrow(/seeds\/b\.json: cannot tell which event source/);
  });

  it('a damaged seed is an error, never skipped; seeds are not corpus entries', () => {
    const corpus = corpusWith({ 'seeds/broken.json': '{ "Records": [', 'seeds/wrapped.json': { kind: 'seed', event: 'not an object' } });
    expect(() => readSeeds([corpus])).toThrow(/2 corpus files are damaged[\s\S]*broken\.json: not valid JSON[\s\S]*wrapped\.json: not a valid seed: "event"/);
    expect(readCorpus([corpusWith({ 'seeds/ok.json': sqsEvent({ id: 'o' }) })])).toEqual([]);
  });

  it('replays seeds on the corpus’s one target when the findings share one, and the vitest check runs only seeds naming its handler', async () => {
    const found = join(dir, 'found');
    const { fuzz } = await import('../../../src/api/fuzz.js');
    await fuzz({ handler: 'examples/04-sns-crash/handler.cjs', source: 'sns', runs: 50, seed: 1, runner: 'in-process', corpusDir: found });
    const entries = readCorpus([found]);
    expect(entries.length).toBeGreaterThan(0);
    mkdirSync(join(found, 'seeds'));
    const sns = JSON.parse(readFileSync('test/fixtures/events/sns/notification.json', 'utf8')) as unknown;
    writeFileSync(join(found, 'seeds', 'real.json'), JSON.stringify(sns));
    const outcomes = await replay({ paths: [found], runner: 'in-process' });
    expect(outcomes.filter((o) => o.kind === 'seed').map((o) => o.target)).toEqual([entries[0]!.entry.target.ref]);
    const forVitest = await replayFoundOn('examples/04-sns-crash/handler.cjs', found, { runner: 'in-process' });
    expect(forVitest.filter((o) => o.kind === 'seed')).toEqual([]);
  });
});
