import { describe, expect, it } from 'vitest';
import { crash, handlerFrames } from '../../../src/oracles/crash.js';
import { crashed, observation, oracleContext, returned, serializedError, threw } from '../../helpers/observation.js';

const ctx = oracleContext();

function stackOf(name: string, message: string, frames: readonly string[]): string {
  return [`${name}: ${message}`, ...frames.map((f) => `    at ${f}`)].join('\n');
}

const siteA = ['parseOrder (/task/src/orders.js:12:17)', 'Runtime.handler (/task/src/handler.js:5:10)'];
const siteB = ['parseUser (/task/src/users.js:40:3)', 'Runtime.handler (/task/src/handler.js:9:10)'];

function thrownAt(frames: readonly string[], message: string, name = 'TypeError') {
  return observation({ outcome: threw(serializedError({ name, message, stack: stackOf(name, message, frames) })) });
}

describe('oracle: crash', () => {
  it.each([
    ['thrown Error', observation({ outcome: threw() }), 1],
    ['runtime exit', observation({ outcome: crashed() }), 1],
    ['out of memory', observation({ outcome: crashed({ reason: 'out-of-memory', exitCode: null }) }), 1],
    ['returned API Gateway 500', observation({ outcome: returned({ statusCode: 500, body: 'Internal error' }) }), 0],
    ['returned 200', observation(), 0],
    ['timeout', observation({ outcome: { kind: 'timeout', limitMs: 3000 } }), 0],
    ['transport error', observation({ outcome: { kind: 'transport-error', error: serializedError({ name: 'FetchError' }) } }), 0],
  ])('%s', (_label, obs, expected) => {
    // Act
    const findings = crash.check(obs, ctx);
    // Assert
    expect(findings).toHaveLength(expected);
  });

  it('a remote integration failure is titled for what an endpoint can tell, probed (layer) or not; a local one is the worker', () => {
    const failure = crashed({ reason: 'worker-error', exitCode: null, error: serializedError({ name: 'InternalServerError', message: '502 Bad Gateway' }) });
    const [remote] = crash.check(observation({ outcome: failure, effects: undefined }), { ...ctx, remote: true });
    const [layered] = crash.check(observation({ outcome: failure, effects: [] }), { ...ctx, remote: true });
    const [local] = crash.check(observation({ outcome: failure, effects: [] }), ctx);
    expect(layered?.title).toBe(remote?.title);
    expect(remote?.title).toBe('The function failed behind the endpoint (an internal server error)');
    expect(local?.title).toBe('The runtime worker failed');
    expect(remote?.signature).toBe(local?.signature);
  });

  it('gives the same signature to the same bug whatever the message and canary', () => {
    // Arrange
    const first = thrownAt(siteA, 'bad order efzaaaaaaaaaaaa: {"id":1}');
    const second = thrownAt(siteA, 'bad order efzbbbbbbbbbbbb: {"id":"x\'; DROP"}');
    // Act
    const [a] = crash.check(first, ctx);
    const [b] = crash.check(second, ctx);
    // Assert
    expect(a?.signature).toBe(b?.signature);
    expect(a?.signature).not.toContain('efz');
    expect(a?.signature).not.toContain('bad order');
  });

  it('tells different throw sites and error types apart', () => {
    const a = crash.check(thrownAt(siteA, 'm'), ctx)[0]?.signature;
    const b = crash.check(thrownAt(siteB, 'm'), ctx)[0]?.signature;
    const c = crash.check(thrownAt(siteA, 'm', 'RangeError'), ctx)[0]?.signature;
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('ignores line and column changes within the same functions', () => {
    const moved = ['parseOrder (/task/src/orders.js:99:1)', 'Runtime.handler (/task/src/handler.js:7:2)'];
    expect(crash.check(thrownAt(moved, 'm'), ctx)[0]?.signature).toBe(crash.check(thrownAt(siteA, 'm'), ctx)[0]?.signature);
  });

  it('skips node internals, dependencies and eventfuzz runner frames', () => {
    const frames = handlerFrames(
      serializedError({
        message: 'm',
        stack: stackOf('Error', 'm', [
          'Object.parse (/task/node_modules/qs/lib/parse.js:1:1)',
          'handler (file:///task/src/handler.mjs?t=123:5:10)',
          'process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
          'invoke (/home/me/eventfuzz/src/runners/in-process.ts:40:7)',
          // A deployed function with eventfuzz's layer: the handler imported under the layer's query, called by its wrapper.
          'handler (file:///var/task/index.mjs?eventfuzz-original:12:3)',
          'handler (file:///opt/eventfuzz/probes/loader.mjs:2570:16)',
          'new Promise (<anonymous>)',
        ]),
      }),
    );
    expect(frames).toEqual([
      { fn: 'handler', file: 'src/handler.mjs', line: 5 },
      { fn: 'handler', file: 'task/index.mjs', line: 12 },
    ]);
  });

  it('cannot be fooled by frames forged inside the message', () => {
    const forged = 'x\n    at evil (/task/src/forged.js:1:1)';
    const sig = crash.check(thrownAt(siteA, forged), ctx)[0]?.signature;
    expect(sig).not.toContain('forged');
    expect(sig).toBe(crash.check(thrownAt(siteA, 'plain'), ctx)[0]?.signature);
  });

  it('includes the error code in the type', () => {
    const obs = observation({ outcome: threw(serializedError({ name: 'Error', code: 'ENOENT' })) });
    expect(crash.check(obs, ctx)[0]?.signature).toMatch(/^threw:Error\[ENOENT\]@/);
  });

  it('notes a non-Error throw and signs it by type', () => {
    const obs = observation({
      outcome: threw({ name: 'string', message: 'boom efzaaaaaaaaaaaa', stack: undefined, code: undefined, isError: false }),
    });
    const [finding] = crash.check(obs, ctx);
    expect(finding).toMatchObject({ severity: 'medium', signature: 'threw:non-error:string' });
    expect(finding?.evidence).toContain('non-Error');
  });

  it('rates runtime death high and signs by reason and exit code', () => {
    const [exit] = crash.check(observation({ outcome: crashed({ exitCode: 3 }) }), ctx);
    const [oom] = crash.check(observation({ outcome: crashed({ reason: 'out-of-memory', exitCode: 134 }) }), ctx);
    expect(exit).toMatchObject({ severity: 'high', signature: 'crashed:exit:3' });
    expect(exit?.evidence).toContain('exit code 3');
    expect(oom).toMatchObject({ severity: 'high', signature: 'crashed:out-of-memory' });
  });

  it('signs an uncaught exception by its throw site', () => {
    const error = serializedError({ message: 'later', stack: stackOf('TypeError', 'later', siteB) });
    const [finding] = crash.check(observation({ outcome: crashed({ reason: 'uncaught-exception', exitCode: null, error }) }), ctx);
    expect(finding?.signature).toBe('crashed:uncaught-exception:TypeError@src/users.js:parseUser>src/handler.js:Runtime.handler');
  });

  it('clips the message and masks watched secrets in evidence', () => {
    const secret = 'hunter2-very-secret';
    const withSecret = oracleContext({ secrets: [{ name: 'DB_PASSWORD', value: secret, kind: 'user-secret' }] });
    const [finding] = crash.check(thrownAt(siteA, `login failed for ${secret} ${'x'.repeat(1000)}`), withSecret);
    expect(finding?.evidence).not.toContain(secret);
    expect(finding?.evidence).toContain('«DB_PASSWORD»');
    expect(finding?.evidence.length).toBeLessThan(600);
    expect(finding?.evidence).toContain('at parseOrder (src/orders.js:12)');
  });
});
