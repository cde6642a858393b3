import type { GlobalsEffect } from '../core/index.js';
import { CANARY_PATTERN } from '../core/index.js';

/** @internal The built-in prototypes watched, by the name findings use. */
export const WATCHED_PROTOTYPES: readonly (readonly [string, object])[] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Boolean.prototype', Boolean.prototype],
  ['Function.prototype', Function.prototype],
  ['Promise.prototype', Promise.prototype],
  ['Error.prototype', Error.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Date.prototype', Date.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
];

/** @internal The prototype watch around each invocation. */
export interface PrototypeProbe {
  /** Before an invocation: changes made outside any window are adopted, except payload-carrying ones, which are undone. */
  begin(): void;
  /** After an invocation: records one effect per added, changed or removed property, then restores the snapshot. */
  end(): void;
}

/** A property as it was, in a null-prototype record: a polluted `Object.prototype.get` must not leak into it. */
interface Slot {
  readonly key: string | symbol;
  readonly descriptor: PropertyDescriptor;
  /** For data properties, the value compared by identity on the fast path. */
  readonly value: unknown;
  readonly data: boolean;
}

interface Watched {
  readonly name: string;
  readonly object: object;
  /** Count every own key on each check (cheap for the small `Object.prototype`), or only enumerable string keys. */
  readonly exact: boolean;
  slots: Slot[];
  enumerableCount: number;
  /** True while every snapshotted property still has its value (data) or its getter and setter (accessors). */
  unchanged: () => boolean;
}

type Change = 'added' | 'changed' | 'removed';

// Captured at load, before the handler can patch them (STYLE practice 11).
const apply = Reflect.apply;
const ownKeys = Reflect.ownKeys;
const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
const defineProperty = Reflect.defineProperty;
const deleteProperty = Reflect.deleteProperty;
const hasOwn = Object.hasOwn;
const objectCreate = Object.create;
const objectIs = Object.is;
const regExpExec = RegExp.prototype.exec;
const SafeString = String;
const stringSlice = String.prototype.slice;
const safeStringify = JSON.stringify;
const objectKeys = Object.keys;
const SafeFunction = Function;
const uncurry = Function.prototype.bind.bind(Function.prototype.call) as <A extends unknown[], R>(fn: (...args: A) => R) => (self: unknown, ...args: A) => R;
const lookupGetter = uncurry((Object.prototype as unknown as { __lookupGetter__(key: PropertyKey): unknown }).__lookupGetter__);
const lookupSetter = uncurry((Object.prototype as unknown as { __lookupSetter__(key: PropertyKey): unknown }).__lookupSetter__);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_VALUE_CHARS = 200;

/**
 * @internal
 * Snapshots the own property descriptors of the built-in prototypes now (install it after the other probes'
 * patches, which change `Function.prototype.constructor`, and before the handler loads). Each `end()` compares
 * cheaply: key count, then the value of every data property by identity and the getter and setter of every
 * accessor; only a prototype that differs gets the full descriptor diff. Then the snapshot is restored, so the
 * next invocation starts clean and a polluted prototype cannot hide or fake later findings.
 *
 * `begin()` runs the same check for what happened between windows: a change made while the handler module
 * loaded (a polyfill) is adopted into the snapshot, since undoing it would break correct code; a change that
 * carries a payload token (a callback of an earlier case) is undone without being attributed to this case.
 * `globalThis` itself is not watched: handlers legitimately keep warm-container state in globals.
 */
export function installPrototypeProbe(record: (effect: GlobalsEffect) => void): PrototypeProbe {
  const watched: Watched[] = [];
  let adopted = false;
  for (let i = 0; i < WATCHED_PROTOTYPES.length; i++) {
    const [name, object] = WATCHED_PROTOTYPES[i]!;
    const target: Watched = { name, object, exact: object === Object.prototype, slots: [], enumerableCount: 0, unchanged: () => true };
    resnapshot(target);
    watched[i] = target;
  }
  return {
    begin() {
      for (let i = 0; i < watched.length; i++) {
        const target = watched[i]!;
        // Only what assignment creates is checked here (new enumerable keys), so begin() stays near-free; the
        // first begin() also adopts whatever the handler module did to prototypes while it loaded.
        if (adopted && objectKeys(target.object).length === target.enumerableCount) continue;
        if (!isDirty(target, !adopted)) continue;
        diff(target, (_change, key, detail, undo) => {
          if ((typeof key === 'string' && carriesToken(key)) || carriesToken(detail)) undo();
        });
        resnapshot(target);
      }
      adopted = true;
    },
    end() {
      for (let i = 0; i < watched.length; i++) {
        const target = watched[i]!;
        if (!isDirty(target)) continue;
        let stuck = false;
        diff(target, (change, key, detail, undo) => {
          const undone = undo();
          if (!undone) stuck = true;
          record({
            kind: 'globals-modified',
            target: target.name,
            key: keyName(key),
            detail: `${change} ${target.name}${keyPath(key)}${detail}${undone ? '' : ' (could not be undone: the handler made it non-configurable)'}`,
          });
        });
        // What cannot be undone becomes the new normal: report it once, not on every later invocation.
        if (stuck) resnapshot(target);
      }
    },
  };
}

function snapshot(object: object): Slot[] {
  const keys = ownKeys(object);
  const slots: Slot[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const descriptor = readDescriptor(object, key);
    if (descriptor === undefined) continue;
    const data = hasOwn(descriptor, 'value');
    slots[slots.length] = { key, descriptor, value: data ? descriptor.value : undefined, data };
  }
  return slots;
}

function resnapshot(target: Watched): void {
  target.slots = snapshot(target.object);
  target.enumerableCount = objectKeys(target.object).length;
  target.unchanged = compileCheck(target.object, target.slots);
}

/**
 * The hot path (every invocation): one key count and one generated function that compares every property with
 * monomorphic property loads, about 2 µs for all twelve prototypes where a descriptor-by-descriptor walk takes
 * 10. Only `Object.prototype` gets an exact key count (`Reflect.ownKeys` costs ~30 ns a key); on the others only
 * new enumerable string keys, which is what assignment-based pollution creates, are noticed on their own.
 */
function isDirty(target: Watched, exact: boolean = target.exact): boolean {
  try {
    const count = exact ? ownKeys(target.object).length : objectKeys(target.object).length;
    if (count !== (exact ? target.slots.length : target.enumerableCount)) return true;
    return !target.unchanged();
  } catch {
    return true; // a data property turned into a throwing getter
  }
}

/**
 * Builds `o.toString===v[3]&&lookupGetter(o,k[7])===g[7]&&…` for one prototype. Only keys that are plain
 * identifiers are spelled out in the source (anything else is read through `k[i]`), so a key the handler chose
 * can never inject code here. The constructor is the one captured before the code-eval probe wrapped it.
 */
function compileCheck(object: object, slots: readonly Slot[]): () => boolean {
  const keys: (string | symbol)[] = [];
  const values: unknown[] = [];
  const getters: unknown[] = [];
  const setters: unknown[] = [];
  let source = 'return true';
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    keys[i] = slot.key;
    if (slot.data) {
      values[i] = slot.value;
      const read = typeof slot.key === 'string' && apply(regExpExec, IDENTIFIER, [slot.key]) !== null ? `o.${slot.key}` : `o[k[${i}]]`;
      source += `&&${read}===v[${i}]`;
    } else {
      getters[i] = slot.descriptor.get;
      setters[i] = slot.descriptor.set;
      // Most built-in accessors are getter-only: their setter is checked in the full diff, not on every call.
      source += slot.descriptor.set === undefined ? `&&lg(o,k[${i}])===g[${i}]` : `&&lg(o,k[${i}])===g[${i}]&&ls(o,k[${i}])===s[${i}]`;
    }
  }
  const check = new SafeFunction('o', 'k', 'v', 'g', 's', 'lg', 'ls', source) as (...args: unknown[]) => boolean;
  return () => check(object, keys, values, getters, setters, lookupGetter, lookupSetter);
}

/** Walks every difference from the snapshot; `undo` puts that one property back and says whether it could. */
function diff(target: Watched, visit: (change: Change, key: string | symbol, detail: string, undo: () => boolean) => void): void {
  const { object, slots } = target;
  const keys = ownKeys(object);
  const matched: boolean[] = [];
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const index = indexOfKey(slots, key);
    const now = readDescriptor(object, key);
    if (now === undefined) continue;
    if (index === -1) {
      visit('added', key, ` = ${describe(now)}`, () => deleteProperty(object, key));
      continue;
    }
    matched[index] = true;
    const slot = slots[index]!;
    if (sameDescriptor(now, slot.descriptor)) continue;
    visit('changed', key, `: ${describe(slot.descriptor)} → ${describe(now)}`, () => defineProperty(object, key, slot.descriptor));
  }
  for (let i = 0; i < slots.length; i++) {
    if (matched[i] === true) continue;
    const slot = slots[i]!;
    visit('removed', slot.key, ` (was ${describe(slot.descriptor)})`, () => defineProperty(object, slot.key, slot.descriptor));
  }
}

/** A null-prototype copy holding only the fields the property really has. */
function readDescriptor(object: object, key: string | symbol): PropertyDescriptor | undefined {
  const raw = getOwnPropertyDescriptor(object, key);
  if (raw === undefined) return undefined;
  // Fields are read only when own: a descriptor object inherits from Object.prototype, which may be polluted.
  const copy = objectCreate(null) as Record<string, unknown>;
  if (hasOwn(raw, 'value')) copy['value'] = raw.value;
  if (hasOwn(raw, 'writable')) copy['writable'] = raw.writable;
  if (hasOwn(raw, 'get')) copy['get'] = raw.get;
  if (hasOwn(raw, 'set')) copy['set'] = raw.set;
  copy['enumerable'] = raw.enumerable;
  copy['configurable'] = raw.configurable;
  return copy as PropertyDescriptor;
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return (
    objectIs(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

function indexOfKey(slots: readonly Slot[], key: string | symbol): number {
  for (let i = 0; i < slots.length; i++) if (slots[i]!.key === key) return i;
  return -1;
}

/** `Symbol(Symbol.iterator)` for symbol keys. */
function keyName(key: string | symbol): string {
  return typeof key === 'symbol' ? SafeString(key) : key;
}

/** `.name`, or `[Symbol(…)]` for a symbol key. */
function keyPath(key: string | symbol): string {
  return typeof key === 'symbol' ? `[${SafeString(key)}]` : `.${key}`;
}

/** A short, side-effect-free description: never calls handler code (no toString, no getters). */
function describe(descriptor: PropertyDescriptor): string {
  if (!hasOwn(descriptor, 'value')) {
    return descriptor.get !== undefined && descriptor.set !== undefined ? '[getter/setter]' : descriptor.get !== undefined ? '[getter]' : '[setter]';
  }
  const value: unknown = descriptor.value;
  switch (typeof value) {
    case 'string': {
      const clipped = value.length > MAX_VALUE_CHARS ? `${apply(stringSlice, value, [0, MAX_VALUE_CHARS]) as string}…` : value;
      return safeStringify(clipped);
    }
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
    case 'symbol':
      return SafeString(value);
    case 'function': {
      const name = getOwnPropertyDescriptor(value, 'name');
      return name !== undefined && hasOwn(name, 'value') && typeof name.value === 'string' ? `[function ${name.value}]` : '[function]';
    }
    default:
      return value === null ? 'null' : '[object]';
  }
}

function carriesToken(text: string): boolean {
  return apply(regExpExec, CANARY_PATTERN, [text]) !== null;
}
