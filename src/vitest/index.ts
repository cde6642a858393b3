import { expect, test } from 'vitest';
import { fuzz } from '../api/fuzz.js';
import type { FuzzOptions } from '../api/fuzz.js';
import type { FuzzReport } from '../api/report.js';

/** Options of `fuzzTest`: a local campaign plus the vitest timeout it must fit in. */
export interface FuzzTestOptions extends FuzzOptions {
  /** The test's timeout; the campaign's time budget is 80% of it (default 60 s). */
  readonly testTimeoutMs?: number;
}

/**
 * A vitest test that fuzzes a handler and fails with a readable list of findings when any is found.
 * The default budget keeps unit suites quick: 300 runs, in-process, seed from `EFZ_SEED` or 1 (deterministic
 * in CI); set `EFZ_SEED=random` locally to explore.
 */
export function fuzzTest(name: string, options: FuzzTestOptions): void {
  const testTimeoutMs = options.testTimeoutMs ?? 60_000;
  test(
    name,
    async () => {
      const report = await fuzz({ runs: 300, seed: seedFromEnv(), durationMs: Math.floor(testTimeoutMs * 0.8), ...options });
      expect(describeFindings(report), `eventfuzz found ${report.findings.length} problem(s) (seed ${report.seed})`).toEqual([]);
    },
    testTimeoutMs,
  );
}

/** One line per finding: what is asserted empty, so a failure shows each bug in the diff. */
export function describeFindings(report: FuzzReport): string[] {
  const failure = report.failure === undefined ? [] : [`the run stopped early: ${report.failure}`];
  const baseline = report.baseline.problems.map((p) => `${p.severity} ${p.oracle} on an unmodified event: ${p.title}`);
  return [...failure, ...baseline, ...report.findings.map((f) => `${f.severity} ${f.oracle} at ${f.field ?? f.injectionPoint ?? '-'}${f.payloadId === null ? '' : ` (${f.payloadId})`}: ${f.title}`)];
}

function seedFromEnv(): number | undefined {
  const raw = process.env['EFZ_SEED'];
  if (raw === 'random') return undefined;
  return raw === undefined ? 1 : Number(raw);
}
