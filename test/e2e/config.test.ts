import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, jsonFilesUnder, killSpawned, ROOT, spawnCli, tempDir } from './helpers.js';

/** A config of two local example targets, written away from the repository, its handler paths relative to it. */
function twoTargetConfig(): { readonly dir: string; readonly file: string } {
  const dir = tempDir('efz-config-');
  const file = join(dir, 'eventfuzz.config.json');
  const handler = (path: string): string => relative(dir, join(ROOT, path));
  writeFileSync(
    file,
    JSON.stringify({
      runs: 100,
      seed: 7,
      inProcess: true,
      timeout: 1000,
      targets: [
        { name: 'sqs-commands', handler: `${handler('examples/01-sqs-command-injection/handler.ts')}#handler`, source: 'sqs' },
        { name: 'sns-safe', handler: handler('examples/04-sns-crash/safe.cjs'), source: 'sns', runs: 50 },
      ],
    }),
  );
  return { dir, file };
}

async function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

describe('eventfuzz fuzz and replay with a config file', () => {
  afterEach(killSpawned);
  afterAll(cleanTempDirs);

  it('runs every target in turn, prints a line per target, and exits 1 when one has findings; replay replays each corpus', async () => {
    const { dir, file } = twoTargetConfig();
    const fuzzed = await run(['fuzz', '--config', file]);
    expect(fuzzed.stderr).toContain('eventfuzz: target "sqs-commands"');
    expect(fuzzed.stderr).toContain('eventfuzz: target "sns-safe"');
    expect(fuzzed.stdout).toMatch(/^target sqs-commands {2}[1-9]\d* findings? in 100 runs$/m);
    expect(fuzzed.stdout).toMatch(/^target sns-safe {6}0 findings in 50 runs$/m);
    expect(fuzzed.code).toBe(1);
    // Each target's findings land in its own corpus directory, beside the config file.
    expect(jsonFilesUnder(join(dir, '.eventfuzz/corpus/sqs-commands')).length).toBeGreaterThan(0);

    const replayed = await run(['replay', '--config', file]);
    expect(replayed.stdout).toContain('target sqs-commands: findings still reproduce');
    expect(replayed.stdout).toContain('target sns-safe: no corpus yet');
    expect(replayed.code).toBe(1);
  }, 60_000);

  it('--target picks one target; an unknown name is exit 2 listing the names', async () => {
    const { file } = twoTargetConfig();
    const one = await run(['fuzz', '--config', file, '--target', 'sns-safe', '--runs', '20']);
    expect(one.stderr).not.toContain('target "sqs-commands"');
    // The command line's --runs wins over the target's 50.
    expect(one.stdout).toMatch(/^target sns-safe {2}0 findings in 20 runs$/m);
    expect(one.code).toBe(0);

    const unknown = await run(['fuzz', '--config', file, '--target', 'sns-safe,orders']);
    expect(unknown.stderr).toContain('No target named "orders"');
    expect(unknown.stderr).toContain('Its targets: sqs-commands, sns-safe.');
    expect(unknown.code).toBe(2);
  }, 60_000);

  it('a bad config is exit 2 before any target runs, one line per problem', async () => {
    const dir = tempDir('efz-config-');
    const file = join(dir, 'eventfuzz.config.json');
    writeFileSync(file, JSON.stringify({ targets: [{ name: 'ok', handler: 'x.mjs', source: 'sqs' }, { name: 'orders', handler: 'y.mjs', source: 'sqss' }] }));
    const result = await run(['fuzz', '--config', file]);
    expect(result.stderr).toContain('eventfuzz.config.json: targets[1] ("orders").source: expected one of apigw-rest, apigw-http, s3, sqs, sns; got "sqss"');
    expect(result.stderr).not.toContain('fuzzing');
    expect(result.code).toBe(2);
  }, 30_000);
});
