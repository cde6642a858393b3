import { describe, expect, it } from 'vitest';
import { CI_RUNS, CI_SEED, EXPLORE_RUNS, selectBudget } from '../../../src/vitest/budget.js';

const half = (): number => 0.5;

describe('selectBudget', () => {
  it('runs the small deterministic campaign by default and in CI', () => {
    expect(selectBudget({}, half)).toEqual({ runs: CI_RUNS, seed: CI_SEED, explore: false });
    expect(selectBudget({ CI: 'true' }, half)).toEqual({ runs: CI_RUNS, seed: CI_SEED, explore: false });
    expect(selectBudget({ EVENTFUZZ_EXPLORE: '0' }, half)).toEqual({ runs: CI_RUNS, seed: CI_SEED, explore: false });
  });

  it('keeps EFZ_SEED', () => {
    expect(selectBudget({ EFZ_SEED: '42' }, half).seed).toBe(42);
    expect(selectBudget({ EFZ_SEED: '42', EVENTFUZZ_EXPLORE: '1' }, half)).toEqual({ runs: EXPLORE_RUNS, seed: 42, explore: true });
    expect(selectBudget({ EFZ_SEED: 'random' }, half)).toEqual({ runs: CI_RUNS, seed: Math.floor(0.5 * 0x7fffffff), explore: false });
  });

  it('explores longer with a random seed when EVENTFUZZ_EXPLORE is set', () => {
    expect(selectBudget({ EVENTFUZZ_EXPLORE: '1' }, half)).toEqual({ runs: EXPLORE_RUNS, seed: Math.floor(0.5 * 0x7fffffff), explore: true });
    expect(selectBudget({ EVENTFUZZ_EXPLORE: '2000' }, () => 0.25)).toEqual({ runs: 2000, seed: Math.floor(0.25 * 0x7fffffff), explore: true });
  });
});
