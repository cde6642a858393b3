import { describe, expect, it } from 'vitest';
import type { ReportFinding } from '../../../src/api/report.js';
import { describeFinding, prettyEvent } from '../../../src/vitest/message.js';

const finding = (over: Partial<ReportFinding> = {}): ReportFinding => ({
  id: 'f1',
  oracle: 'command-injection',
  confidence: 'confirmed',
  severity: 'critical',
  title: 'Command injection via child_process.exec',
  evidence: 'script: echo processing ;efzcanary x\ncall site: handler.ts:18',
  injectionPoint: 'Records[*].body',
  signature: 'handler.ts:18:32',
  field: 'Records[0].body',
  payloadId: 'ci-canary-semicolon',
  payload: ';efzcanary x',
  hits: 1,
  event: { Records: [{ body: ';efzcanary x' }] },
  corpusFile: '.eventfuzz/corpus/sqs/abc.json',
  replay: null,
  ...over,
});

describe('describeFinding', () => {
  it('cuts a long payload (a ReDoS pump) on its line, saying how much more there is, and omits a missing one', () => {
    const long = describeFinding(finding({ payloadId: 'redos-pump', payload: 'a'.repeat(20_000) }), 1).split('\n')[2]!;
    expect(long).toBe(`   payload:  redos-pump: "${'a'.repeat(200)}"… (+19800 chars)`);
    expect(describeFinding(finding({ payloadId: null, payload: null }), 1).split('\n')[2]).toBe('   payload:  -');
  });

  it('tells oracle, field, payload, evidence, replay command and the minimal event', () => {
    const text = describeFinding(finding(), 1);
    expect(text.split('\n').slice(0, 6)).toEqual([
      '1. command-injection (critical, confirmed): Command injection via child_process.exec',
      '   field:    Records[0].body',
      '   payload:  ci-canary-semicolon: ";efzcanary x"',
      '   evidence: script: echo processing ;efzcanary x',
      '             call site: handler.ts:18',
      '   replay:   npx eventfuzz replay .eventfuzz/corpus/sqs/abc.json',
    ]);
    expect(text).toContain('"body": ";efzcanary x"');
  });

  it('prefers the report\'s replay command and says when nothing was saved', () => {
    expect(describeFinding(finding({ replay: 'npx eventfuzz replay x.json' }), 1)).toContain('replay:   npx eventfuzz replay x.json');
    expect(describeFinding(finding({ corpusFile: null }), 1)).toContain('replay:   (not saved: pass corpusDir to keep it)');
  });
});

describe('prettyEvent', () => {
  it('cuts a huge event with a length marker', () => {
    const event = { body: 'x'.repeat(100) };
    const full = JSON.stringify(event, null, 2);
    expect(prettyEvent(event, 1000)).toBe(full);
    expect(prettyEvent(event, 20)).toBe(`${full.slice(0, 20)}\n… (truncated: ${full.length} characters in all)`);
  });
});
