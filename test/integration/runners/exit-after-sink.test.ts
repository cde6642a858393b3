import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

/*
 * Issue 8, point 4: a handler that ends its runtime right after reaching a sink (process.exit, an uncaught
 * exception) keeps the evidence: the command injection is reported beside the crash.
 */
const handler = fileURLToPath(new URL('../../fixtures/hostile/exits-after-sink.mjs', import.meta.url));

describe('an exit right after a sink keeps what the probes saw', () => {
  it.each([
    ['exit', 'isolated'],
    ['exit', 'in-process'],
    ['throw-later', 'isolated'],
  ] as const)('%s (%s)', async (how, runner) => {
    const report = await fuzz({ handler, source: 'sqs', categories: ['command-injection'], runs: 20, seed: 1, runner, timeoutMs: 1_000, env: { EXIT_HOW: how } });
    const oracles = report.findings.map((f) => `${f.oracle} ${f.confidence}`);
    expect(oracles).toContain('command-injection confirmed');
    expect(oracles).toContain('crash confirmed');
  });
});
