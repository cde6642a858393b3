import { describe, expect, it } from 'vitest';
import { isHarnessError } from '../../src/core/index.js';
import { checkMaxCost, estimateLambdaCost, formatCostLine } from '../../src/runners/remote-guard.js';

describe('estimateLambdaCost', () => {
  it('bills every invocation for the whole timeout at the configured memory, plus requests (x86_64 by default)', () => {
    const estimate = estimateLambdaCost({ memoryMb: 1024, timeoutS: 30, invocations: 500 });
    expect(estimate.gbSeconds).toBe(15_000);
    expect(estimate.computeUsd).toBeCloseTo(15_000 * 0.0000166667, 10);
    expect(estimate.requestUsd).toBeCloseTo(500 * 0.2e-6, 12);
    expect(estimate.usd).toBeCloseTo(0.2501, 4);
  });

  it('uses the arm64 price for arm64 functions', () => {
    const x86 = estimateLambdaCost({ memoryMb: 2048, timeoutS: 10, invocations: 1000, architecture: 'x86_64' });
    const arm = estimateLambdaCost({ memoryMb: 2048, timeoutS: 10, invocations: 1000, architecture: 'arm64' });
    expect(arm.computeUsd).toBeCloseTo(20_000 * 0.0000133334, 10);
    expect(arm.usd).toBeLessThan(x86.usd);
  });

  it('prints the worst case the way the run will print it before the first invocation', () => {
    expect(formatCostLine(estimateLambdaCost({ memoryMb: 1024, timeoutS: 30, invocations: 500 }))).toBe('worst case: 500 invocations × 1024 MB × 30 s ≈ $0.25');
    expect(formatCostLine(estimateLambdaCost({ memoryMb: 128, timeoutS: 3, invocations: 500 }))).toBe('worst case: 500 invocations × 128 MB × 3 s ≈ $0.0032');
    expect(formatCostLine(estimateLambdaCost({ memoryMb: 128, timeoutS: 3, invocations: 500, architecture: 'arm64' }))).toContain('3 s (arm64) ≈');
  });
});

describe('checkMaxCost', () => {
  const estimate = estimateLambdaCost({ memoryMb: 1024, timeoutS: 30, invocations: 500 });

  it('lets a run within the budget go', () => {
    expect(() => checkMaxCost(estimate, 0.26)).not.toThrow();
    expect(() => checkMaxCost(estimate, estimate.usd)).not.toThrow();
  });

  it('refuses a run above it with a usage error that says how to raise it', () => {
    let thrown: unknown;
    try {
      checkMaxCost(estimate, 0.1);
    } catch (error) {
      thrown = error;
    }
    expect(isHarnessError(thrown) && thrown.code).toBe('EFZ_USAGE');
    expect((thrown as Error).message).toContain('--max-cost 0.26');
    expect((thrown as Error).message).toContain('≈ $0.25');
  });
});
