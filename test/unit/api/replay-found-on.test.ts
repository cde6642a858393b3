import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';
import { replayFoundOn } from '../../../src/api/replay.js';

const dir = mkdtempSync(join(tmpdir(), 'efz-found-on-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VULNERABLE = 'examples/02-s3-command-injection/handler.mjs';
const OTHER = 'examples/02-s3-command-injection/safe.mjs';

describe('replayFoundOn: the entries of one handler in a shared corpus', () => {
  it("replays this handler's entries on it, never another handler's, and nothing for a missing corpus", async () => {
    const corpus = join(dir, 'corpus');
    const found = await fuzz({ handler: VULNERABLE, source: 's3', runs: 200, seed: 1, runner: 'in-process', corpusDir: corpus });
    expect(found.findings.length).toBeGreaterThan(0);
    const mine = await replayFoundOn(`./${VULNERABLE}#handler`, corpus, { runner: 'in-process' });
    expect(mine.length).toBe(found.findings.length);
    expect(mine.some((o) => o.reproduces)).toBe(true);
    expect(await replayFoundOn(OTHER, corpus, { runner: 'in-process' })).toEqual([]);
    expect(await replayFoundOn(`${VULNERABLE}#other`, corpus, { runner: 'in-process' })).toEqual([]);
    expect(await replayFoundOn(VULNERABLE, join(dir, 'none'), { runner: 'in-process' })).toEqual([]);
  });
});
