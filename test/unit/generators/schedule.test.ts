import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { CaseSchedule, FEEDBACK_LAG, caseSpaceForSamples, caseSpaceForSource, getEventSource } from '../../../generators/index.js';
import type { Effect, Finding, FuzzCase, Observation } from '../../../src/core/index.js';
import { loadPayloads } from '../../../src/payloads/index.js';

const payloads = loadPayloads();
const families = [...new Set(payloads.map((p) => p.family))];

/** A custom event the way a team's own trigger looks: a few named fields of different shapes. */
const sample = { fileName: 'reports/2024/q1.pdf', callbackUrl: 'https://hooks.example.com/done', email: 'dana@example.com', note: 'hello' };

function scheduleFor(event: unknown = sample, source?: string): CaseSchedule {
  return new CaseSchedule({ space: caseSpaceForSamples([event], source === undefined ? undefined : getEventSource(source)), payloads });
}

/** Draws `count` cases; `feed` may answer each with what the handler did, as the campaign does. */
function draw(schedule: CaseSchedule, count: number, feed?: (index: number, fuzzCase: FuzzCase) => { effects?: Effect[]; findings?: Finding[] } | undefined): FuzzCase[] {
  const random = new fc.Random(xoroshiro128plus(42));
  const cases: FuzzCase[] = [];
  for (let index = 0; index < count; index++) {
    schedule.beforeCase(index);
    const fuzzCase = schedule.arbitrary.generate(random, undefined).value;
    cases.push(fuzzCase);
    const answer = feed?.(index, fuzzCase);
    schedule.observed(index, fuzzCase, observation(answer?.effects ?? []), answer?.findings ?? []);
  }
  return cases;
}

function observation(effects: Effect[]): Observation {
  return { caseId: '1', outcome: { kind: 'returned', value: null }, durationMs: 1, logs: [], effects, instance: 'w1' };
}

const pairOf = (c: FuzzCase): string => `${c.injection?.point}|${c.injection?.family}`;

describe('CaseSchedule: the first pass', () => {
  it('sends every family to every field before exploring at random, and counts the pairs it covered', () => {
    const schedule = scheduleFor();
    const pairs = schedule.coverage().pairs;
    expect(pairs).toBe(4 * families.length);
    // Three cases in four are planned: the pass is over after pairs × 4/3 cases.
    const cases = draw(schedule, Math.ceil((pairs * 4) / 3) + 1);
    const sent = new Set(cases.filter((c) => c.injection !== null).map(pairOf));
    for (const field of Object.keys(sample)) for (const family of families) expect(sent, `${field} × ${family}`).toContain(`${field}|${family}`);
    expect(schedule.coverage()).toEqual({ pairs, covered: pairs });
  });

  it("tries each field's best-fitting family first: paths get traversal, URLs SSRF, e-mail addresses ReDoS pumps", () => {
    const cases = draw(scheduleFor(), 12);
    const first = (field: string): string | undefined => cases.find((c) => c.injection?.point === field)?.injection?.family;
    expect(first('fileName')).toBe('path-traversal');
    expect(first('callbackUrl')).toBe('ssrf');
    expect(first('email')).toBe('redos');
  });

  it('orders a family by likeness to the value: a dotted flag path gets the dotted pollution payloads first', () => {
    const cases = draw(scheduleFor({ flag: 'checkout.express.enabled', value: 'on' }), 400);
    const pollution = cases.filter((c) => c.injection?.point === 'flag' && c.injection.family === 'prototype-pollution').map((c) => c.injection!.payloadId);
    expect(pollution.slice(0, 2).sort()).toEqual(['pp-path-constructor', 'pp-path-string']);
  });

  it('sends a Number message attribute only numbers, and boundary numbers among them', () => {
    const sqs = getEventSource('sqs').plain() as { Records: { messageAttributes: Record<string, unknown> }[] };
    sqs.Records[0]!.messageAttributes = { pageSize: { stringValue: '250', stringListValues: [], binaryListValues: [], dataType: 'Number' } };
    const cases = draw(scheduleFor(sqs, 'sqs'), 600).filter((c) => c.injection?.point.includes('pageSize') === true);
    expect(cases.length).toBeGreaterThan(0);
    const values = cases.map((c) => (c.event as typeof sqs).Records[0]!.messageAttributes['pageSize'] as { stringValue: string });
    for (const value of values) expect(value.stringValue).toMatch(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/);
    expect(cases.map((c) => c.injection!.payloadId)).toEqual(expect.arrayContaining(['boundary-zero', 'boundary-negative']));
  });
});

describe('CaseSchedule: values inside JSON', () => {
  const snsOrder = (): unknown => {
    const event = getEventSource('sns').plain() as { Records: { Sns: { Message: string } }[] };
    event.Records[0]!.Sns.Message = JSON.stringify({ orderId: 'o-1', items: [{ name: 'Desk Lamp' }] });
    return event;
  };

  it('re-types a JSON field (an object, an array, a number, null) in its first pass, before any boundary text', () => {
    const schedule = scheduleFor(snsOrder(), 'sns');
    const firstPass = draw(schedule, Math.ceil((schedule.coverage().pairs * 4) / 3) + 1);
    const retyped = firstPass.filter((c) => c.injection?.target === 'Records[0].Sns.Message<json>.items[0].name' && c.injection.payloadId.startsWith('boundary-json-'));
    expect(retyped.length).toBeGreaterThan(0);
    const message = JSON.parse((retyped[0]!.event as { Records: { Sns: { Message: string } }[] }).Records[0]!.Sns.Message) as { items: { name: unknown }[] };
    expect(typeof message.items[0]!.name).not.toBe('string');
  });

  it('never puts a JSON value into a string that has its own encoding inside JSON (an S3 key in an SNS message)', () => {
    const schedule = new CaseSchedule({ space: caseSpaceForSource(getEventSource('sns')), payloads });
    const jsonPayloads = new Set(payloads.filter((p) => p.json === true).map((p) => p.id));
    const cases = draw(schedule, 1500);
    const atKey = cases.filter((c) => c.injection?.point.endsWith('<s3-key>') === true);
    expect(atKey.length).toBeGreaterThan(20);
    for (const c of atKey) expect(jsonPayloads.has(c.injection!.payloadId), c.injection!.payloadId).toBe(false);
    // …while the message's own JSON leaves do get them.
    expect(cases.some((c) => c.injection?.point.endsWith('<json>.**') === true && jsonPayloads.has(c.injection.payloadId))).toBe(true);
  });
});

describe('CaseSchedule: steering by what the handler did', () => {
  /** The handler opens a file named after `note` (harmlessly: no traversal yet). */
  const opensNote = (index: number, fuzzCase: FuzzCase) =>
    fuzzCase.injection?.point === 'note' && fuzzCase.injection.family !== 'path-traversal' && firstTouch.at === undefined
      ? ((firstTouch.at = index), { effects: [fileEffect(`/var/task/notes/${fuzzCase.canary}`)] })
      : undefined;
  const firstTouch: { at: number | undefined } = { at: undefined };

  it('spends the cases after a token reaches a sink on that field with the sink\'s payload family, every payload', () => {
    firstTouch.at = undefined;
    const cases = draw(scheduleFor(), 400, opensNote);
    const touched = firstTouch.at!;
    expect(touched).toBeDefined();
    const traversalCount = payloads.filter((p) => p.family === 'path-traversal').length;
    const after = cases.slice(touched + FEEDBACK_LAG + 1, touched + FEEDBACK_LAG + 1 + traversalCount * 2);
    const steered = after.filter((c) => c.injection?.point === 'note' && c.injection.family === 'path-traversal');
    expect(new Set(steered.map((c) => c.injection!.payloadId)).size).toBe(traversalCount);
    // Without the observation those cases spread over every field and family.
    firstTouch.at = undefined;
    const unsteered = draw(scheduleFor(), 400).slice(touched + FEEDBACK_LAG + 1, touched + FEEDBACK_LAG + 1 + traversalCount * 2);
    expect(unsteered.filter((c) => c.injection?.point === 'note' && c.injection.family === 'path-traversal').length).toBeLessThan(3);
  });

  it('knows nothing of a case until FEEDBACK_LAG cases later, so the sequence is the same however invocations interleave', () => {
    firstTouch.at = undefined;
    const steered = draw(scheduleFor(), 300, opensNote);
    const touched = firstTouch.at!;
    firstTouch.at = undefined;
    const plain = draw(scheduleFor(), 300);
    expect(steered.slice(0, touched + FEEDBACK_LAG + 1).map(pairOf)).toEqual(plain.slice(0, touched + FEEDBACK_LAG + 1).map(pairOf));
    expect(steered.map(pairOf)).not.toEqual(plain.map(pairOf));
  });

  it('stops sending a family to a field once it gave a finding there', () => {
    const finding = { oracle: 'ssrf', confidence: 'confirmed' } as Finding;
    let foundAt: number | undefined;
    const cases = draw(scheduleFor(), 700, (index, c) => {
      if (foundAt === undefined && c.injection?.point === 'callbackUrl' && c.injection.family === 'ssrf') {
        foundAt = index;
        return { findings: [finding] };
      }
      return undefined;
    });
    const later = cases.slice(foundAt! + FEEDBACK_LAG + 1);
    const planned = later.filter((_, i) => (foundAt! + FEEDBACK_LAG + 1 + i) % 4 !== 3);
    expect(planned.filter((c) => pairOf(c) === 'callbackUrl|ssrf')).toEqual([]);
  });
});

describe('CaseSchedule: planned cases are ordinary values', () => {
  it('shrinks a planned case through the same tuple as a free one', () => {
    const schedule = scheduleFor();
    const random = new fc.Random(xoroshiro128plus(1));
    schedule.beforeCase(0);
    const value = schedule.arbitrary.generate(random, undefined);
    expect(value.value.injection?.point).toBe('fileName');
    const smaller = [...schedule.arbitrary.shrink(value.value_, value.context).take(50)];
    expect(smaller.length).toBeGreaterThan(0);
    for (const candidate of smaller) expect(candidate.value.canary).toBe(value.value.canary);
  });
});

function fileEffect(path: string): Effect {
  return { kind: 'file', api: 'fs.readFile', op: 'read', path, resolved: path, blocked: false, callSite: 'handler.mjs:3' };
}
