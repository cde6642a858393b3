import type { Effect } from '../../../src/core/index.js';
import { describe, expect, it } from 'vitest';
import { builtinOracles, judge } from '../../../src/oracles/index.js';
import { observation, oracleContext, returned, serializedError, spawnEffect, threw } from '../../helpers/observation.js';

const canary = 'efzcanary00001';
const ctx = oracleContext({ case: { canary } });
const blockedNamedProgram = spawnEffect({ api: 'child_process.spawnSync', file: `/opt/${canary}`, args: [], script: null, blocked: true });
// As the probe records it: the exact shell error it handed the handler.
const blockedScript = spawnEffect({ args: ['-c', `convert ${canary}.png`], script: `convert ${canary}.png`, blocked: true, blockedFailure: '/bin/sh: 1: convert: not found' });
const blockedWrite: Effect = { kind: 'file', api: 'fs.writeFileSync', op: 'write', path: `/etc/${canary}`, resolved: `/etc/${canary}`, blocked: true, callSite: '/task/h.js:1:1' };
const blockedConnect: Effect = { kind: 'network', api: 'net.connect', host: '169.254.169.254', port: 80, url: null, blocked: true, callSite: '/task/h.js:1:1' };

const oracles = (findings: readonly { oracle: string }[]): string[] => findings.map((f) => f.oracle).sort();

describe('judge: a consequence of our own block is not the handler bug', () => {
  it.each<[string, Effect, string]>([
    ['a payload-named program, ENOENT rethrown', blockedNamedProgram, `spawnSync /opt/${canary} ENOENT`],
    ['a refused shell script, the shell message rethrown', blockedScript, `Command failed: convert ${canary}.png\n/bin/sh: 1: convert: not found\n`],
    ['a refused write, EACCES rethrown', blockedWrite, `EACCES: permission denied, open '/etc/${canary}'`],
    ['a refused connection, ECONNREFUSED rethrown', blockedConnect, 'connect ECONNREFUSED 169.254.169.254:80'],
  ])('drops the crash from %s', (_label, effect, message) => {
    const obs = observation({ outcome: threw(serializedError({ name: 'Error', message })), effects: [effect] });
    const found = oracles(judge(obs, builtinOracles, ctx));
    expect(found).not.toContain('crash');
  });

  it('drops the crash a refused write outside the roots caused, and reports the refused write itself', () => {
    // A write through /tmp/link, a symlink to a home directory: the probe refused it where it really lands.
    const refused: Effect = { ...blockedWrite, path: `/tmp/link/${canary}`, resolved: `/tmp/link/${canary}`, real: `/home/dev/${canary}`, outsideRoots: true };
    const obs = observation({ outcome: threw(serializedError({ name: 'Error', message: `EACCES: permission denied, open '/tmp/link/${canary}'` })), effects: [refused] });
    const findings = judge(obs, builtinOracles, ctx);
    expect(findings.map((f) => [f.oracle, f.title])).toEqual([['path-traversal', 'Write outside the allowed roots at a payload-chosen path via fs.writeFileSync']]);
  });

  it('still reports an unrelated crash in the same invocation', () => {
    const obs = observation({ outcome: threw(serializedError()), effects: [blockedNamedProgram] });
    expect(oracles(judge(obs, builtinOracles, ctx))).toEqual(['command-injection', 'crash']);
  });

  it('drops a crash after a made-up success: the handler may have choked on the empty output', () => {
    // execFileSync('printf', ['{"size":%d}', '3', body.note]) blocked, "succeeded" with '', then JSON.parse('') threw.
    const emulated = spawnEffect({ api: 'child_process.execFileSync', file: 'printf', args: ['{"size":%d}', '3', canary], script: null, blocked: true, emulatedSuccess: true });
    const obs = observation({ outcome: threw(serializedError({ name: 'SyntaxError', message: 'Unexpected end of JSON input' })), effects: [emulated] });
    expect(oracles(judge(obs, builtinOracles, ctx))).toEqual([]);
    const ran = spawnEffect({ api: 'child_process.execFileSync', file: 'printf', args: ['{"size":%d}', '3', canary], script: null, blocked: false });
    expect(oracles(judge(observation({ outcome: obs.outcome, effects: [ran] }), builtinOracles, ctx))).toEqual(['crash']);
  });

  it('reports the same crash when no call was blocked (an unblocked ENOENT is the handler bug)', () => {
    const effect = spawnEffect({ api: 'child_process.spawnSync', file: '/opt/tool', args: [], script: null, blocked: false });
    const obs = observation({ outcome: threw(serializedError({ name: 'Error', message: 'spawnSync /opt/tool ENOENT' })), effects: [effect] });
    expect(oracles(judge(obs, builtinOracles, ctx))).toEqual(['crash']);
  });

  it('drops an error disclosure that only echoes the block failure, keeps one with a real internal error', () => {
    // The handler returns the error it caught, stack included: the stack is what error-disclosure sees.
    const failure = `Command failed: convert ${canary}.png\n/bin/sh: 1: convert: not found\n`;
    const echoed = JSON.stringify({ message: failure, stack: `Error: ${failure}\n    at processOrder (/var/task/src/handler.js:12:5)` });
    const own = observation({ outcome: returned({ statusCode: 500, body: echoed }), effects: [blockedScript] });
    expect(oracles(judge(own, builtinOracles, ctx))).not.toContain('error-disclosure');
    const real = observation({
      outcome: returned({ statusCode: 500, body: JSON.stringify({ stack: 'Error: boom\n    at processOrder (/var/task/src/handler.js:12:5)' }) }),
      effects: [blockedScript],
    });
    expect(oracles(judge(real, builtinOracles, ctx))).toContain('error-disclosure');
  });
});
