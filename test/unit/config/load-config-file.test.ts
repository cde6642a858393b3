import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findConfigFile, loadConfigFile } from '../../../src/config/load-config-file.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A project directory holding `files`; the config is loaded with the working directory at its root. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'efz-config-unit-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function problems(config: unknown): Promise<string[]> {
  const dir = project({ 'eventfuzz.config.json': JSON.stringify(config) });
  try {
    await loadConfigFile('eventfuzz.config.json', dir);
  } catch (error) {
    return (error as Error).message.split('\n');
  }
  throw new Error('the config was accepted');
}

describe('config validation messages: one line per bad key, naming file, target and key path', () => {
  it('a value outside a choice', async () => {
    expect(await problems({ targets: [{ name: 'a', handler: 'a.mjs' }, { name: 'orders', handler: 'o.mjs', source: 'sqss' }] })).toEqual([
      'eventfuzz.config.json: targets[1] ("orders").source: expected one of apigw-rest, apigw-http, s3, sqs, sns; got "sqss"',
    ]);
  });

  it('wrong types, at the top level and in a target, all at once', async () => {
    expect(await problems({ runs: '100', targets: [{ name: 'orders', handler: 'o.mjs', env: { A: 1 }, samples: 'event.json', allowExec: 'yes' }] })).toEqual([
      'eventfuzz.config.json: targets[0] ("orders").samples: expected a list of strings; got "event.json"',
      'eventfuzz.config.json: targets[0] ("orders").env.A: expected a string value; got 1',
      'eventfuzz.config.json: targets[0] ("orders").allowExec: expected true or false; got "yes"',
      'eventfuzz.config.json: runs: expected a whole number ≥ 1; got "100"',
    ]);
  });

  it('unknown keys, with the key they were probably meant to be', async () => {
    expect(await problems({ sorce: 'sqs', targets: [{ name: 'orders', handler: 'o.mjs', timout: 10, allow_exec: true, zzzzzzzz: 1 }] })).toEqual([
      'eventfuzz.config.json: targets[0] ("orders").timout: unknown key; did you mean "timeout"?',
      'eventfuzz.config.json: targets[0] ("orders").allow_exec: unknown key; did you mean "allowExec"?',
      expect.stringMatching(/^eventfuzz\.config\.json: targets\[0\] \("orders"\)\.zzzzzzzz: unknown key; expected one of name, handler, function, /),
      'eventfuzz.config.json: sorce: unknown key; did you mean "source"?',
    ]);
  });

  it('a target with nothing to fuzz, one with two kinds, a missing name, a duplicate name', async () => {
    expect(await problems({ targets: [{ name: 'orders', source: 'sqs' }, { name: 'both', handler: 'o.mjs', url: 'https://x.example' }, { handler: 'p.mjs' }] })).toEqual([
      'eventfuzz.config.json: targets[2].name: expected a string; missing',
    ]);
    expect(await problems({ targets: [{ name: 'orders', source: 'sqs' }, { name: 'both', handler: 'o.mjs', url: 'https://x.example' }, { name: 'orders', function: 'f' }] })).toEqual([
      'eventfuzz.config.json: targets[0] ("orders"): missing what to fuzz; give one of handler (a local file#export), function (a deployed Lambda) or url',
      'eventfuzz.config.json: targets[1] ("both"): handler and url together; a target is one of handler, function or url',
      'eventfuzz.config.json: targets[2] ("orders").name: "orders" names another target too; names must be unique',
    ]);
  });

  it('no targets, and a file that is not JSON', async () => {
    expect(await problems({ runs: 10 })).toEqual(['eventfuzz.config.json: targets: expected a list of targets; missing']);
    const dir = project({ 'eventfuzz.config.json': '{ "targets": [ }' });
    await expect(loadConfigFile('eventfuzz.config.json', dir)).rejects.toThrow(/^eventfuzz\.config\.json: not valid JSON: /);
  });
});

describe('loading and resolving a config', () => {
  it('targets inherit the top level (env merged, the target winning), paths resolve against the config file', async () => {
    const dir = project({
      'eventfuzz.config.json': JSON.stringify({
        runs: 100,
        env: { STAGE: 'test', TABLE: 'orders' },
        corpus: 'findings',
        targets: [
          { name: 'orders', handler: 'src/orders.ts#main', source: 'sqs', env: { TABLE: 'orders-2' }, samples: ['events/a.json'], reports: ['/tmp/r.sarif'] },
          { name: 'legacy', handler: 'src/legacy.handler', runs: 5, corpus: 'legacy-corpus', taskRoot: 'src' },
          { name: 'api', url: 'https://abc.example/staging', headers: { 'x-api-key': 'k' } },
          { name: 'fn', function: 'orders-staging', qualifier: 'live', region: 'eu-west-1' },
        ],
      }),
    });
    const config = await loadConfigFile(join(dir, 'eventfuzz.config.json'), join(dir, '..'));
    expect(config.file).toBe(join(dir, 'eventfuzz.config.json'));
    const [orders, legacy, api, fn] = config.targets;
    expect(orders).toEqual({
      name: 'orders',
      kind: 'handler',
      ref: `${join(dir, 'src/orders.ts')}#main`,
      qualifier: undefined,
      options: { runs: 100, source: 'sqs', env: { STAGE: 'test', TABLE: 'orders-2' }, samples: [join(dir, 'events/a.json')], reports: ['/tmp/r.sarif'], corpus: join(dir, 'findings/orders') },
    });
    expect(legacy).toMatchObject({ ref: join(dir, 'src/legacy.handler'), options: { runs: 5, corpus: join(dir, 'legacy-corpus'), taskRoot: join(dir, 'src') } });
    expect(api).toMatchObject({ kind: 'url', ref: 'https://abc.example/staging', options: { headers: { 'x-api-key': 'k' }, corpus: join(dir, 'findings/api') } });
    expect(fn).toMatchObject({ kind: 'function', ref: 'orders-staging', qualifier: 'live', options: { region: 'eu-west-1' } });
  });

  it('an .mjs config: its default export, or a function returning it', async () => {
    const dir = project({
      'eventfuzz.config.mjs': "export default async () => ({ source: 'sns', targets: [{ name: 'n', handler: 'h.mjs' }] });",
      'object.mjs': "export default { targets: [{ name: 'm', handler: 'h.mjs', source: 's3' }] };",
    });
    expect(findConfigFile(dir)).toBe(join(dir, 'eventfuzz.config.mjs'));
    expect((await loadConfigFile('eventfuzz.config.mjs', dir)).targets[0]).toMatchObject({ name: 'n', ref: join(dir, 'h.mjs'), options: { source: 'sns' } });
    expect((await loadConfigFile('object.mjs', dir)).targets[0]).toMatchObject({ name: 'm', options: { source: 's3' } });
  });

  it('a .ts config through tsx, typed with defineConfig from the package entry', async () => {
    const entry = new URL('../../../src/index.ts', import.meta.url).pathname;
    const dir = project({
      'eventfuzz.config.ts': `import { defineConfig } from ${JSON.stringify(entry)};\nconst runs: number = 7;\nexport default defineConfig({ runs, targets: [{ name: 't', handler: 'src/t.ts#handler', source: 'apigw-http' }] });\n`,
    });
    expect((await loadConfigFile('eventfuzz.config.ts', dir)).targets[0]).toMatchObject({ name: 't', options: { runs: 7, source: 'apigw-http' } });
  }, 30_000);

  it('no config file is undefined; two are a usage error', () => {
    expect(findConfigFile(project({}))).toBeUndefined();
    expect(() => findConfigFile(project({ 'eventfuzz.config.json': '{}', 'eventfuzz.config.ts': '' }))).toThrow('Found eventfuzz.config.json and eventfuzz.config.ts; keep one, or choose with --config FILE.');
  });
});
