import type { Effect } from '../../../src/core/index.js';
import { describe, expect, it } from 'vitest';
import { commandInjection } from '../../../src/oracles/command-injection.js';
import { observation, oracleContext, returned, spawnEffect } from '../../helpers/observation.js';

const canary = 'efzcanary00001';
const ctx = oracleContext({ case: { canary } });
const inCommandPosition = `convert uploads/a;echo ${canary}$((6*7)) out.png`;
const quoted = `convert 'uploads/a;echo ${canary}$((6*7))' out.png`;
const doubleQuoted = `convert "uploads/a\\$(echo ${canary})" out.png`;
const unquotedArgument = `convert uploads/${canary}.png out.png`;
// Issue 7's sample: the lexer sees `;` before the token, but `sh` rejects the `(` before running anything.
const unparsable = `echo processing (typeof efzcanary=='function'&&efzcanary('x'));echo ${canary}$((6*7))`;
const ranCanary: Effect = { kind: 'canary', via: 'program', token: canary, detail: `efzcanary ${canary}` };

describe('oracle: command-injection', () => {
  it.each<[string, readonly Effect[], readonly { confidence: string; severity: string }[]]>([
    [
      'spawn of sh -c with the canary in command position',
      [spawnEffect({ api: 'child_process.spawn', file: 'sh', args: ['-c', inCommandPosition], script: inCommandPosition })],
      [{ confidence: 'confirmed', severity: 'critical' }],
    ],
    ['exec with the canary inside single quotes: quoting held, no finding', [spawnEffect({ args: ['-c', quoted], script: quoted })], []],
    ['exec with the canary inside double quotes, `$` escaped: no finding', [spawnEffect({ args: ['-c', doubleQuoted], script: doubleQuoted })], []],
    [
      'exec with the canary as an unquoted argument',
      [spawnEffect({ args: ['-c', unquotedArgument], script: unquotedArgument })],
      [{ confidence: 'tainted', severity: 'high' }],
    ],
    [
      'quoted, but the canary program ran with this token',
      [spawnEffect({ args: ['-c', quoted], script: quoted }), ranCanary],
      [{ confidence: 'confirmed', severity: 'critical' }],
    ],
    ['canary program ran, no probed shell carried the token', [ranCanary], [{ confidence: 'confirmed', severity: 'critical' }]],
    [
      'a code payload in "command position" of a script sh cannot parse',
      [spawnEffect({ args: ['-c', unparsable], script: unparsable })],
      [{ confidence: 'tainted', severity: 'high' }],
    ],
    [
      'an unparsable script, but the canary program really ran',
      [spawnEffect({ args: ['-c', unparsable], script: unparsable }), ranCanary],
      [{ confidence: 'confirmed', severity: 'critical' }],
    ],
    [
      'spawnSync of a program the payload names (no shell)',
      [spawnEffect({ api: 'child_process.spawnSync', file: `${canary}`, args: [], script: null })],
      [{ confidence: 'confirmed', severity: 'critical' }],
    ],
    [
      'execFile of a payload-derived program path with arguments',
      [spawnEffect({ api: 'child_process.execFile', file: `/opt/tools/${canary}`, args: ['--version'], script: null })],
      [{ confidence: 'confirmed', severity: 'critical' }],
    ],
  ])('reports %s', (_label, effects, expected) => {
    // Arrange
    const obs = observation({ effects });
    // Act
    const findings = commandInjection.check(obs, ctx);
    // Assert
    expect(findings.map((f) => ({ confidence: f.confidence, severity: f.severity }))).toEqual(expected);
    expect(findings.every((f) => f.oracle === 'command-injection')).toBe(true);
  });

  it.each<[string, readonly Effect[] | undefined]>([
    ['execFile argument without a shell', [spawnEffect({ api: 'child_process.execFile', file: 'convert', args: [canary, 'out.png'], script: null })]],
    ['spawn of a fixed program, the token only in its environment', [spawnEffect({ api: 'child_process.spawn', file: 'curl', args: ['-s', 'http://127.0.0.1/'], script: null })]],
    ['a program named by another case token', [spawnEffect({ api: 'child_process.spawnSync', file: 'efzother00000001', args: [], script: null })]],
    ['another case canary in command position', [spawnEffect({ script: `ls; echo efzother00000001`, args: ['-c', 'ls; echo efzother00000001'] })]],
    ['canary program ran with another case token', [{ ...ranCanary, token: 'efzother00000001' }]],
    ['legitimate spawn without any canary', [spawnEffect({ script: 'convert in.png out.jpg', args: ['-c', 'convert in.png out.jpg'] })]],
    ['remote runner: no effects observed', undefined],
  ])('stays silent for %s', (_label, effects) => {
    // Arrange
    const obs = observation({ effects });
    // Act
    const findings = commandInjection.check(obs, ctx);
    // Assert
    expect(findings).toEqual([]);
  });

  it('says why a script in command position is not confirmed when it does not parse', () => {
    const [finding] = commandInjection.check(observation({ effects: [spawnEffect({ args: ['-c', unparsable], script: unparsable })] }), ctx);
    expect(finding?.evidence).toMatch(/does not parse as POSIX sh \(.*`\(`/);
  });

  it('ignores the payload reflected in the response and logs: reflection is not execution', () => {
    // Arrange
    const payload = `;echo ${canary}$((6*7))`;
    const obs = observation({
      outcome: returned({ statusCode: 200, body: `ran: ${payload} -> ${canary}42` }),
      logs: [`exec ${payload}`, `${canary}42`],
      effects: [],
    });
    // Act
    const findings = commandInjection.check(obs, ctx);
    // Assert
    expect(findings).toEqual([]);
  });

  it('names the sink, shows the script and why, and keys the bug by call site without the canary', () => {
    // Arrange
    const obs = observation({
      effects: [spawnEffect({ script: inCommandPosition, args: ['-c', inCommandPosition], blocked: true, callSite: 'src/handler.ts:12:5' })],
    });
    // Act
    const [finding] = commandInjection.check(obs, ctx);
    // Assert
    expect(finding?.title).toBe('Command injection via child_process.exec');
    expect(finding?.signature).toBe('src/handler.ts:12:5');
    expect(finding?.signature).not.toContain(canary);
    expect(finding?.evidence).toContain(`script: ${inCommandPosition}`);
    expect(finding?.evidence).toContain('blocked');
    expect(finding?.evidence).toMatch(/command position: .*`;`/);
  });

  it('reports one finding per call site, the strongest', () => {
    // Arrange
    const obs = observation({
      effects: [spawnEffect({ script: quoted, args: ['-c', quoted] }), spawnEffect({ script: inCommandPosition, args: ['-c', inCommandPosition] })],
    });
    // Act
    const findings = commandInjection.check(obs, ctx);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.confidence).toBe('confirmed');
  });

  it('masks watched secrets that the handler interpolated into the script', () => {
    // Arrange
    const secretCtx = oracleContext({
      case: { canary },
      secrets: [{ name: 'DB_PASSWORD', value: 'hunter2-very-secret', kind: 'user-secret' }],
    });
    const script = `PGPASSWORD=hunter2-very-secret psql -c "select 1"; echo ${canary}`;
    // Act
    const [finding] = commandInjection.check(observation({ effects: [spawnEffect({ script, args: ['-c', script] })] }), secretCtx);
    // Assert
    expect(finding?.evidence).not.toContain('hunter2-very-secret');
    expect(finding?.evidence).toContain(canary);
  });
});

describe('oracle: command-injection, one bug one finding', () => {
  it('does not take a call of the canary function (JavaScript ran) for the canary program', () => {
    const context = oracleContext({});
    const token = context.case.canary;
    const called = observation({ effects: [{ kind: 'canary', via: 'function', token, detail: `efzcanary('${token}') called` }] });
    const ran = observation({ effects: [{ kind: 'canary', via: 'program', token, detail: `efzcanary ${token}` }] });
    expect(commandInjection.check(called, context)).toEqual([]);
    expect(commandInjection.check(ran, context).map((f) => f.confidence)).toEqual(['confirmed']);
  });
});
