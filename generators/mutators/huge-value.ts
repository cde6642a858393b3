import { writeAt } from '../inject.js';
import { discoverInjectionPoints } from '../sample/discover.js';
import { defineStructuralMutator } from './types.js';

/** Characters of a huge value: SQS's historical body limit and SNS's message limit (256 KiB). */
export const HUGE_VALUE_LENGTH = 262_144;

/** A 256 KiB value in one attacker-controlled field (through its codec): size limits, regex backtracking, logs. */
export const hugeValue = defineStructuralMutator({
  id: 'huge-value',
  description: 'One attacker-controlled string field set to a 256 KiB value.',
  apply: (event, e) => {
    const points = discoverInjectionPoints(event);
    if (points.length === 0) return undefined;
    const unit = e.alnum(64);
    return writeAt(event, e.pick(points), () => unit.repeat(HUGE_VALUE_LENGTH / unit.length));
  },
});
