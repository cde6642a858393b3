import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, ROOT, tempDir } from './helpers.js';

afterAll(cleanTempDirs);

const CONFIG = fileURLToPath(new URL('../../examples/13-vitest/vitest.config.ts', import.meta.url));

/** `vitest run` of the example in a child process, on the handler file given, with CI's env. */
function runExample(handlerFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    // A corpus of its own: the repository's .eventfuzz/corpus would carry findings from one run into the next.
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', EXAMPLE_HANDLER: handlerFile, EXAMPLE_CORPUS: tempDir('efz-vitest-corpus-'), NO_COLOR: '1', FORCE_COLOR: '0' };
    delete env['EVENTFUZZ_EXPLORE'];
    delete env['EFZ_SEED'];
    delete env['VITEST'];
    delete env['VITEST_POOL_ID'];
    delete env['VITEST_WORKER_ID'];
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url)), 'run', '--config', CONFIG], { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

describe('eventfuzz/vitest in a user project (examples/13-vitest)', () => {
  it('fails on the vulnerable handler with a story, passes on the safe twin', async () => {
    const [bad, good] = await Promise.all([runExample('handler.ts'), runExample('safe.ts')]);
    expect(bad.code, bad.output).toBe(1);
    expect(bad.output).toContain('eventfuzz found 1 problem(s) (seed 1, 300 runs)');
    expect(bad.output).toContain('command-injection (critical, confirmed)');
    expect(bad.output).toMatch(/field: {4}Records\[0\]\.body/);
    expect(bad.output).toContain('replay:   ');
    expect(bad.output).toContain('"body": ";efzcanary');
    expect(bad.output).not.toContain('toEqual');
    expect(good.code, good.output).toBe(0);
  }, 30_000);
});
