import { describe, expect, it } from 'vitest';
import { describeSpawnCall, shellScriptOf } from '../../../src/probes/spawn-call.js';

describe('shellScriptOf', () => {
  it.each<[string, string, string[], string | null]>([
    ['sh -c', 'sh', ['-c', 'echo a'], 'echo a'],
    ['absolute /bin/sh', '/bin/sh', ['-c', 'echo a', 'argv0'], 'echo a'],
    ['bash -lc', 'bash', ['-lc', 'echo a'], 'echo a'],
    ['dash -ec', '/usr/bin/dash', ['-ec', 'echo a'], 'echo a'],
    ['options after -c', 'bash', ['-c', '-x', 'echo a'], 'echo a'],
    ['-o takes a value', 'bash', ['-o', 'pipefail', '-c', 'echo a'], 'echo a'],
    ['-euo pipefail cluster', 'bash', ['-euo', 'pipefail', '-c', 'echo a'], 'echo a'],
    ['long option', 'bash', ['--norc', '-c', 'echo a'], 'echo a'],
    ['env bash -c', '/usr/bin/env', ['bash', '-c', 'echo a'], 'echo a'],
    ['env with assignments and -u', 'env', ['-u', 'HOME', 'X=1', 'zsh', '-c', 'echo a'], 'echo a'],
    ['a script file, no -c', 'sh', ['script.sh'], null],
    ['-c without operand', 'sh', ['-c'], null],
    ['not a shell', 'convert', ['-c', 'x'], null],
    ['env running a non-shell', 'env', ['node', '-e', 'x'], null],
  ])('%s', (_label, file, args, expected) => {
    expect(shellScriptOf(file, args)).toBe(expected);
  });
});

describe('describeSpawnCall', () => {
  it('exec: the command runs under /bin/sh -c, or the shell the options name', () => {
    expect(describeSpawnCall('exec', ['ls -l', () => undefined])).toMatchObject({ file: '/bin/sh', args: ['-c', 'ls -l'], script: 'ls -l', callbackIndex: 1 });
    expect(describeSpawnCall('execSync', ['ls', { shell: '/bin/bash' }])).toMatchObject({ file: '/bin/bash', script: 'ls' });
  });

  it('spawn and execFile with shell: true join program and arguments unquoted, as node does', () => {
    expect(describeSpawnCall('spawn', ['convert', ['a b', 'c'], { shell: true }])).toMatchObject({
      file: '/bin/sh',
      args: ['-c', 'convert a b c'],
      script: 'convert a b c',
    });
    expect(describeSpawnCall('execFile', ['ls', { shell: true }, () => undefined])).toMatchObject({ script: 'ls', callbackIndex: 2 });
  });

  it('execFile without a shell has no script', () => {
    expect(describeSpawnCall('execFile', ['convert', ['x.png'], () => undefined])).toMatchObject({
      file: 'convert',
      args: ['x.png'],
      script: null,
      callbackIndex: 2,
    });
  });

  it('collects env values, cwd and stdin input as text that reaches the child', () => {
    const call = describeSpawnCall('spawnSync', ['cat', [], { env: { A: 'efzenv000000001' }, cwd: '/tmp/efzcwd000000001', input: Buffer.from('efzin0000000001') }]);
    expect(call?.texts).toEqual(expect.arrayContaining(['efzenv000000001', '/tmp/efzcwd000000001', 'efzin0000000001']));
  });

  it('leaves arguments node would reject to node', () => {
    expect(describeSpawnCall('exec', [42])).toBeUndefined();
    expect(describeSpawnCall('spawn', [undefined])).toBeUndefined();
  });

  it('fork never involves a shell and accepts a URL', () => {
    expect(describeSpawnCall('fork', [new URL('file:///task/child.js'), ['-c', 'x']])).toMatchObject({ file: 'file:///task/child.js', script: null });
  });
});
