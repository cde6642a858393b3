import { writeAt } from '../inject.js';
import type { ConcretePath } from '../inject.js';
import { parseJsonContainer } from '../sample/discover.js';

/**
 * One position in an event: an object property or an array element, possibly inside a JSON-in-string field.
 * @internal
 */
export interface Slot {
  readonly path: ConcretePath;
  readonly value: unknown;
  /** The position is an object property (it can be removed), not an array element. */
  readonly isProperty: boolean;
}

/**
 * Every position of `event` below the root, in document order, descending into strings that hold a JSON object or
 * array (through `{ codec: 'json' }`), so a mutation can reach the fields of a JSON body too.
 * @internal
 */
export function slotsOf(event: unknown): Slot[] {
  const slots: Slot[] = [];
  collect(event, [], slots);
  return slots;
}

function collect(value: unknown, path: ConcretePath, slots: Slot[]): void {
  if (typeof value === 'string') {
    const parsed = parseJsonContainer(value);
    if (parsed !== undefined) collect(parsed, [...path, { codec: 'json' }], slots);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const isProperty = !Array.isArray(value);
  const children: [string | number, unknown][] = Array.isArray(value) ? value.map((child: unknown, i) => [i, child]) : Object.entries(value);
  for (const [key, child] of children) {
    const childPath = [...path, key];
    slots.push({ path: childPath, value: child, isProperty });
    collect(child, childPath, slots);
  }
}

/**
 * A copy of `event` without the property at `path` (copy-on-write, through codecs).
 * @internal
 */
export function removeAt<T>(event: T, path: ConcretePath): T {
  const key = path[path.length - 1];
  if (key === undefined || typeof key === 'object') return event;
  return writeAt(event, path.slice(0, -1), (holder) => {
    if (typeof holder !== 'object' || holder === null || Array.isArray(holder) || !Object.hasOwn(holder, key)) return holder;
    const { [key]: _removed, ...rest } = holder as Record<string | number, unknown>;
    return rest;
  });
}
