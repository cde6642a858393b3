import { describe, expect, it } from 'vitest';
import type { Finding, FuzzCase } from '../../../src/core/index.js';
import { dedupeKey } from '../../../src/core/index.js';
import { eventFinding, needsReproduction, runControl } from '../../../src/engine/confirm.js';
import type { KeyedFinding } from '../../../src/engine/confirm.js';

const crash: Finding = { oracle: 'crash', confidence: 'confirmed', severity: 'high', title: 'Handler threw TypeError', evidence: 'e', signature: 'threw:TypeError' };
const timeout: Finding = { oracle: 'timeout', confidence: 'confirmed', severity: 'medium', title: 'Handler timed out', evidence: 'no result', signature: 'timeout' };
const injected: FuzzCase = {
  source: 'sqs',
  event: { body: 'x;payload' },
  canary: 'efzaaaaaaaaaaaa',
  injection: { point: 'Records[*].body', target: 'Records[0].body', payloadId: 'p', family: 'command-injection', placement: 'append', payload: ';payload' },
  mutators: [],
};
const control: FuzzCase = { ...injected, event: { body: 'x' }, injection: null };

/** An evaluate that answers from a script of what each event shows, and records what it ran. */
function scripted(shows: (event: unknown, run: number) => readonly Finding[]) {
  const ran: unknown[] = [];
  const evaluate = (candidate: FuzzCase): Promise<readonly KeyedFinding[]> => {
    ran.push(candidate.event);
    return Promise.resolve(shows(candidate.event, ran.length).map((finding) => ({ key: dedupeKey(finding), finding })));
  };
  return { ran, evaluate };
}

const isPayload = (event: unknown): boolean => (event as { body: string }).body.includes('payload');

describe('runControl: one mechanism for attribution and timeout confirmation', () => {
  it('attributes a finding to the payload when the payload-free event does not show it', async () => {
    const { ran, evaluate } = scripted((event) => (isPayload(event) ? [crash] : []));
    const verdict = await runControl({ fuzzCase: injected, finding: crash, key: dedupeKey(crash), evaluate, withoutPayload: () => control, reproduce: false });
    expect(verdict).toEqual({ kind: 'payload', finding: crash });
    expect(ran).toEqual([control.event]); // the control only: one extra invocation
  });

  it('says a finding is about the event when the payload-free event shows it too', async () => {
    const { evaluate } = scripted(() => [crash]);
    const verdict = await runControl({ fuzzCase: injected, finding: crash, key: dedupeKey(crash), evaluate, withoutPayload: () => control, reproduce: false });
    expect(verdict).toMatchObject({ kind: 'event', control });
  });

  it('does not count another bug on the control as the same one', async () => {
    const other: Finding = { ...crash, signature: 'threw:RangeError' };
    const { evaluate } = scripted((event) => (isPayload(event) ? [crash] : [other]));
    const verdict = await runControl({ fuzzCase: injected, finding: crash, key: dedupeKey(crash), evaluate, withoutPayload: () => control, reproduce: false });
    expect(verdict.kind).toBe('payload');
  });

  it('confirms a timeout only when the case times out again and its payload-free twin does not', async () => {
    const confirmed = scripted((event) => (isPayload(event) ? [timeout] : []));
    expect(await runControl({ fuzzCase: injected, finding: timeout, key: 'timeout|timeout', evaluate: confirmed.evaluate, withoutPayload: () => control, reproduce: true })).toEqual({ kind: 'payload', finding: timeout });
    expect(confirmed.ran).toEqual([injected.event, control.event]);

    // A ReDoS payload's timeout (`timeout:redos`) whose twin times out as a plain `timeout` is about the event.
    const redos: Finding = { ...timeout, signature: 'timeout:redos' };
    const hangs = scripted((event) => (isPayload(event) ? [redos] : [timeout]));
    expect((await runControl({ fuzzCase: injected, finding: redos, key: dedupeKey(redos), evaluate: hangs.evaluate, withoutPayload: () => control, reproduce: true })).kind).toBe('event');

    // Slow infrastructure: the first run was slow, the re-run is not.
    const flaky = scripted(() => []);
    expect(await runControl({ fuzzCase: injected, finding: timeout, key: 'timeout|timeout', evaluate: flaky.evaluate, withoutPayload: () => control, reproduce: true })).toEqual({ kind: 'unreproduced' });
    expect(flaky.ran).toEqual([injected.event]); // no control run for a case that did not reproduce

    // Slow everywhere: payload and payload-free events both time out.
    const slow = scripted(() => [timeout]);
    expect((await runControl({ fuzzCase: injected, finding: timeout, key: 'timeout|timeout', evaluate: slow.evaluate, withoutPayload: () => control, reproduce: true })).kind).toBe('event');
  });

  it('has nothing to compare with for a case without a payload', async () => {
    const { ran, evaluate } = scripted(() => [crash]);
    expect(await runControl({ fuzzCase: control, finding: crash, key: dedupeKey(crash), evaluate, withoutPayload: () => undefined, reproduce: false })).toEqual({ kind: 'no-control' });
    expect(ran).toEqual([]);
  });

  it('reads a control that could not run (the time budget was spent) as no evidence, never as "did not show it"', async () => {
    const notRun = (candidate: FuzzCase): Promise<readonly KeyedFinding[] | undefined> => Promise.resolve(candidate === injected ? [{ key: dedupeKey(crash), finding: crash }] : undefined);
    // The payload-free twin did not run: no attribution either way, the finding stays at the payload's field.
    expect(await runControl({ fuzzCase: injected, finding: crash, key: dedupeKey(crash), evaluate: notRun, withoutPayload: () => control, reproduce: false })).toEqual({ kind: 'no-control', finding: crash });
    // The re-run of a timeout did not run: not reproduced (the campaign keeps it, unconfirmed).
    expect(await runControl({ fuzzCase: injected, finding: timeout, key: 'timeout|timeout', evaluate: () => Promise.resolve(undefined), withoutPayload: () => control, reproduce: true })).toEqual({ kind: 'unreproduced' });

    // The ReDoS growth check did not run: the label stays, and the evidence says it is not backed.
    const pumped: FuzzCase = { ...injected, injection: { ...injected.injection!, family: 'redos', payload: `${'a'.repeat(32)}!` } };
    const redos: Finding = { ...timeout, title: 'Handler timed out on a regex payload: possible ReDoS', severity: 'high', signature: 'timeout:redos' };
    const growthNotRun = (candidate: FuzzCase): Promise<readonly KeyedFinding[] | undefined> =>
      Promise.resolve(candidate === pumped ? [{ key: dedupeKey(redos), finding: redos }] : candidate === control ? [] : undefined);
    const verdict = await runControl({ fuzzCase: pumped, finding: redos, key: dedupeKey(redos), evaluate: growthNotRun, withoutPayload: () => control, withPayload: (c, payload) => ({ ...c, injection: { ...c.injection!, payload } }), reproduce: true });
    expect(verdict).toMatchObject({ kind: 'payload', finding: { title: redos.title, severity: 'high' } });
    expect((verdict as { finding: Finding }).finding.evidence).toMatch(/growth check .* could not run/);
  });

  it('needs reproduction for timeouts only', () => {
    expect(needsReproduction(timeout)).toBe(true);
    expect(needsReproduction(crash)).toBe(false);
  });

  it('never reports a timeout the payload-free event shows too as confirmed', () => {
    expect(eventFinding(timeout)).toMatchObject({ confidence: 'tainted', severity: 'low', signature: 'timeout' });
    expect(eventFinding(crash)).toMatchObject({ confidence: 'confirmed', severity: 'high' });
    expect(eventFinding(crash).evidence).toContain('without any payload');
  });
});
