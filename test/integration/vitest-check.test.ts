import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHandler } from '../../src/vitest/index.js';

const dir = mkdtempSync(join(tmpdir(), 'efz-vitest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const vulnerable = new URL('../../examples/01-sqs-command-injection/handler.ts', import.meta.url);
const options = { source: 'sqs', categories: ['command-injection'], runner: 'in-process', corpusDir: dir } as const;

describe('checkHandler (the matcher\'s machinery)', () => {
  it('saves a finding with its replay command, and replays the corpus first on the next check', async () => {
    const first = await checkHandler(vulnerable, options, {});
    expect(first.pass).toBe(false);
    expect(first.reproduced).toEqual([]);
    expect(first.message).toMatch(/replay: {3}npx eventfuzz replay \S+\.json/);
    expect(readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.json'))).toBe(true);

    const second = await checkHandler(vulnerable, options, {});
    expect(second.reproduced.length).toBeGreaterThan(0);
    expect(second.message).toContain('corpus entry still reproduces:');
  }, 20_000);
});

describe('toWithstandFuzzing', () => {
  it('refuses a value that is not a handler reference, with or without .not', async () => {
    const fn = (): void => undefined;
    await expect(expect(fn).toWithstandFuzzing({ source: 'sqs' })).rejects.toThrow(/takes a handler reference/);
    await expect(expect(fn).not.toWithstandFuzzing({ source: 'sqs' })).rejects.toThrow(/takes a handler reference/);
  });
});
