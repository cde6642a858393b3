import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { shellSyntax } from '../../../src/oracles/shell-syntax.js';

describe('shellSyntax (POSIX sh grammar through sh-syntax)', () => {
  it.each([
    'convert uploads/a;echo efzcanary00001$((6*7)) out.png',
    "convert 'uploads/a;echo efzcanary00001' out.png",
    'ping -c 1 $(echo efzcanary00001$((6*7)))',
    'ls `echo efzcanary00001`',
    'git log && efzcanary efzcanary00001',
  ])('accepts a script sh would run: %s', (script) => {
    expect(shellSyntax(script)).toEqual({ parses: true });
  });

  it.each([
    ["echo processing (typeof efzcanary=='function'&&efzcanary('efzcanary00001'))", '('],
    ["echo 'unterminated;efzcanary efzcanary00001", 'quote'],
    ['echo $(efzcanary efzcanary00001', ')'],
    ['echo {{7*7}} ; if efzcanary efzcanary00001', 'if'],
  ])('rejects a script sh refuses before running any of it: %s', (script, hint) => {
    const verdict = shellSyntax(script);
    expect(verdict.parses).toBe(false);
    expect(verdict.parses === false && verdict.reason).toContain(hint);
  });

  it('answers from the cache for a script seen before', () => {
    const script = 'echo cached; efzcanary efzcanary00002';
    const first = shellSyntax(script);
    expect(shellSyntax(script)).toBe(first);
  });

  it('parses one handler template once, whatever the case token in it', () => {
    const first = shellSyntax('file --brief /tmp/a; echo efz111111111111 #', 'efz111111111111');
    const second = shellSyntax('file --brief /tmp/a; echo efz222222222222 #', 'efz222222222222');
    expect(first).toEqual({ parses: true });
    expect(second).toBe(first); // the cached answer itself: no second parse
    expect(shellSyntax('echo efz333333333333 (', 'efz333333333333').parses).toBe(false);
  });

  it('works inside a worker thread, as the isolated runner uses them', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/shell-syntax/in-worker.ts'], { timeout: 60_000 });
    const answer: unknown = JSON.parse(stdout.trim());
    expect(answer).toEqual([true, false]);
  });
});
