import { describe, expect, it } from 'vitest';
import { timingNotice, timingPlan, timingShapes } from '../../src/api/remote-timing.js';

// The plan a remote run's timing checks get from its options: on by default with a reserve bounded by the cap,
// off with `false`, and refused when the doses or the budget could not give a sound decision.
describe('timingPlan', () => {
  it('defaults: doses 0.5, 1, 2 s, three rounds, 60 invocations kept, never more than an eighth of the cap', () => {
    expect(timingPlan(undefined, 500)).toEqual({ doses: [0.5, 1, 2], repeats: 3, maxInvocations: 60 });
    expect(timingPlan(true, 200)?.maxInvocations).toBe(25);
    expect(timingPlan(false, 500)).toBeUndefined();
  });

  it('refuses fewer than three doses, a dose above 2 s, one repeat, and a budget that is the whole cap', () => {
    expect(() => timingPlan({ doses: [1, 2] }, 500)).toThrow(/at least three distinct/);
    expect(() => timingPlan({ doses: [0.5, 1, 3] }, 500)).toThrow(/at most 2 s/);
    expect(() => timingPlan({ repeats: 1 }, 500)).toThrow(/repeats/);
    expect(() => timingPlan({ maxInvocations: 500 }, 500)).toThrow(/0 to 499/);
  });

  it('the notice says what the checks may cost, or that the cap leaves too little for one', () => {
    const shapes = timingShapes();
    expect(timingNotice(timingPlan(undefined, 500)!, 500, shapes)).toMatch(/up to 60 of the 500 invocations .*: 5 a field, 12 more \(sleeping 10\.5 s in all\)/);
    expect(timingNotice(timingPlan(undefined, 100)!, 100, shapes)).toMatch(/off for this run \(one needs 17 invocations, 12 of the 100/);
  });
});
