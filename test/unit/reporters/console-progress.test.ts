import { describe, expect, it } from 'vitest';
import { createConsoleReporter } from '../../../src/reporters/console.js';

describe('console progress in a log (not a terminal)', () => {
  it('says the run is under way after a second, then every five seconds, one plain line each', () => {
    let stderr = '';
    const reporter = createConsoleReporter({ stdout: () => {}, stderr: (t) => void (stderr += t), interactive: false });
    const at = (elapsedMs: number): void => reporter.onProgress!({ runs: elapsedMs / 10, invocations: elapsedMs / 10, findings: 0, elapsedMs, execsPerSecond: 100, phase: 'exploring' });
    [500, 1_000, 3_000, 5_900, 6_000, 10_000, 11_000].forEach(at);
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      'eventfuzz: 100 runs, 100 execs/s, 0 findings, 1.0s',
      'eventfuzz: 600 runs, 100 execs/s, 0 findings, 6.0s',
      'eventfuzz: 1100 runs, 100 execs/s, 0 findings, 11.0s',
    ]);
  });
});
