import { describe, expect, it } from 'vitest';
import { createGrowth } from '../../../src/runners/worker/growth.js';

const window = (instances: number, perSecond: number, saturated = true, instanceUtilization = 0.1, hostUtilization = 0.3) => ({
  completions: perSecond,
  ms: 1000,
  instances,
  saturated,
  instanceUtilization,
  hostUtilization,
});

describe('isolated pool growth rule', () => {
  it('doubles while each doubling pays for itself (I/O-bound), up to the cap', () => {
    const growth = createGrowth(16);
    expect(growth.decide(window(2, 100))).toBe(2);
    expect(growth.decide(window(4, 195))).toBe(4);
    expect(growth.decide(window(8, 380))).toBe(8);
    expect(growth.decide(window(16, 740))).toBe(0);
    expect(growth.settled).toBe(true);
  });

  it('undoes a step that did not raise throughput by half of what it added (CPU-bound), and stops for good', () => {
    const growth = createGrowth(16);
    expect(growth.decide(window(2, 4000))).toBe(2);
    expect(growth.decide(window(4, 4100))).toBe(-2);
    expect(growth.settled).toBe(true);
    expect(growth.decide(window(4, 9000))).toBe(0);
  });

  it('never proposes more than the cap, and skips windows in which the caller was the limit', () => {
    const growth = createGrowth(5);
    expect(growth.decide(window(2, 100, false))).toBe(0);
    expect(growth.settled).toBe(false);
    expect(growth.decide(window(2, 100))).toBe(2);
    expect(growth.decide(window(4, 200))).toBe(1);
    expect(createGrowth(3).decide(window(3, 100))).toBe(0);
  });

  it('does not grow while the instances compute or the host is the bottleneck', () => {
    const growth = createGrowth(16);
    expect(growth.decide(window(2, 4000, true, 0.9))).toBe(0);
    expect(growth.decide(window(2, 4000, true, 0.2, 0.95))).toBe(0);
    expect(growth.settled).toBe(false);
    expect(growth.decide(window(2, 100))).toBe(2);
  });
});
