import { describe, expect, it } from 'vitest';
import { builtinOracles } from '../../../src/oracles/index.js';

// The weakness each oracle reports (issue 10): SARIF rules and GitHub's security tab show these.
const EXPECTED_CWE: Record<string, readonly string[]> = {
  crash: ['CWE-248'],
  timeout: ['CWE-400'],
  'secret-leak': ['CWE-200', 'CWE-532'],
  'command-injection': ['CWE-78'],
  'code-injection': ['CWE-94', 'CWE-95'],
  'state-leak': ['CWE-488'],
  'error-disclosure': ['CWE-209'],
  'path-traversal': ['CWE-22'],
  'prototype-pollution': ['CWE-1321'],
  ssrf: ['CWE-918'],
};

describe('oracle docs', () => {
  it('every built-in oracle is in the CWE table and the table names no other', () => {
    expect(builtinOracles.map((oracle) => oracle.id).sort()).toEqual(Object.keys(EXPECTED_CWE).sort());
  });

  it.each(builtinOracles.map((oracle) => [oracle.id, oracle] as const))('%s has a CWE, a severity score, help and a fix hint', (id, oracle) => {
    expect(EXPECTED_CWE[id]).toContain(oracle.docs.cwe);
    expect(oracle.docs.securitySeverity).toMatch(/^(10\.0|\d\.\d)$/);
    const score = Number(oracle.docs.securitySeverity);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThanOrEqual(10);
    // 2-4 sentences of help, one or more of fix: enough to act on, short enough for a tooltip.
    const sentences = oracle.docs.help.split(/(?<=[.!?])\s+(?=[A-Z`])/).length;
    expect(sentences).toBeGreaterThanOrEqual(2);
    expect(sentences).toBeLessThanOrEqual(4);
    expect(oracle.docs.fix.length).toBeGreaterThan(40);
  });
});
