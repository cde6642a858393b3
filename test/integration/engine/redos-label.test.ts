import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventSources } from '../../../generators/index.js';
import { fuzz } from '../../../src/api/fuzz.js';

/*
 * Issue 8, point 6: "possible ReDoS" says what was seen only when the time grows with the payload's length. The
 * same field with a pump a sixteenth as long must finish; a handler that hangs on the value whatever its length
 * (a lock service that refuses the name forever) keeps a plain timeout.
 */
const fixture = (path: string): string => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));
const sqsSample = (body: unknown) => {
  const plain = eventSources.sqs.plain();
  return { Records: [{ ...plain.Records[0]!, body: JSON.stringify(body) }] };
};
// Every hang costs a deadline and a fresh instance. The budget is a cap that these runs do not reach: once it is
// spent the growth check no longer runs, and the label would be kept unproven (the evidence then says so).
const redosOnly = { categories: ['redos'], runs: 12, seed: 1, timeoutMs: 300, runner: 'isolated', durationMs: 40_000 } as const;

describe('a timeout on a regex payload is labelled possible ReDoS only when it grows with the pump', () => {
  it('a hang on any unusual value is a plain timeout, saying why', async () => {
    const report = await fuzz({ handler: fixture('engine/sqs-resource-lock.mjs'), samples: [sqsSample({ resourceId: 'res-123' })], ...redosOnly, timeoutMs: 150 });
    const timeouts = report.findings.filter((f) => f.oracle === 'timeout');
    expect(timeouts.map((f) => [f.title, f.severity])).toEqual([['Handler timed out', 'medium']]);
    expect(timeouts[0]!.evidence).toMatch(/hangs as well: the time does not grow with the input's length/);
  });

  it('a backtracking regex keeps the label', async () => {
    const report = await fuzz({ handler: fixture('zoo/orders-api/src/signup.ts'), samples: [JSON.parse(readSample())], ...redosOnly, runs: 30, timeoutMs: 1_000 });
    const timeouts = report.findings.filter((f) => f.oracle === 'timeout');
    expect(timeouts.map((f) => [f.title, f.severity])).toEqual([['Handler timed out on a regex payload: possible ReDoS', 'high']]);
    expect(timeouts[0]!.evidence).not.toMatch(/could not run/); // the short pump ran, and finished
  });
});

function readSample(): string {
  return readFileSync(fixture('zoo/orders-api/events/http-signup.json'), 'utf8');
}
