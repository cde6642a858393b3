import fc from 'fast-check';
import type { FuzzCase, Placement } from '../src/core/index.js';
import type { Payload } from '../src/payloads/types.js';
import { renderPayload } from '../src/payloads/types.js';
import { canaryArbitrary } from './canary.js';
import { UnencodableValue } from './codecs.js';
import { formatPath, holdsJsonValue, place, resolveFields, writeAt } from './inject.js';
import { withPayloadFreeBase } from './payload-free.js';
import type { Path, ResolvedField } from './inject.js';
import type { FieldKind } from './types.js';

/** A field pattern the case generator may target, with what may arrive there. */
export interface TargetPattern {
  readonly path: Path;
  /** Formatted `path`: the injection point reported and deduplicated on. */
  readonly point: string;
  readonly accepts?: ((value: string) => boolean) | undefined;
  /** The declared kind of a source's point (absent for a sample's leaves): what payloads fit it first. */
  readonly kind?: FieldKind | undefined;
}

/** Where cases come from: base events, the fields to target in each, and how to restore derived fields. */
export interface CaseSpace {
  readonly sourceId: string;
  readonly base: fc.Arbitrary<unknown>;
  /** The patterns to try on one base event (generated events share one list; samples have their own). */
  readonly targetsFor: (event: unknown) => readonly TargetPattern[];
  readonly sync: (event: unknown) => unknown;
  /** The user's samples `base` draws from, in order; absent when events are generated. */
  readonly samples?: readonly unknown[] | undefined;
}

export interface FuzzCaseConstraints {
  readonly space: CaseSpace;
  /** The corpus to draw from, simplest first: a shrunk case prefers earlier payloads. */
  readonly payloads: readonly Payload[];
  readonly placements?: readonly Placement[];
}

export const DEFAULT_PLACEMENTS: readonly Placement[] = ['replace', 'append', 'before-extension', 'segment'];

/**
 * Cases that inject one payload into one attacker-controlled field of a valid event. Built as a tuple of
 * independent choices mapped to a case, so each choice shrinks on its own: the event towards its simplest form,
 * the point, field, payload and placement towards the first of their lists, while the canary never changes.
 */
export function fuzzCaseArbitrary(constraints: FuzzCaseConstraints): fc.Arbitrary<FuzzCase> {
  const { space } = constraints;
  const payloads = weightedDraws(constraints.payloads);
  return caseTuple(space, constraints.placements ?? DEFAULT_PLACEMENTS).map((tuple) => buildFromTuple(space, payloads, tuple));
}

/** The independent choices a case is built from: event, point pick, field pick, payload pick, placement, canary. */
export type CaseTuple = [unknown, number, number, number, Placement, string];

export function caseTuple(space: CaseSpace, placements: readonly Placement[]): fc.Arbitrary<CaseTuple> {
  return fc.tuple(space.base, fc.nat(), fc.nat(), fc.nat(), fc.constantFrom(...placements), canaryArbitrary());
}

/** Payloads above this size (boundary values of 64-256 KiB, ReDoS runs) are drawn less often. */
const OVERSIZED_TEMPLATE = 4096;
const ORDINARY_WEIGHT = 8;

/**
 * The list a payload pick indexes into: each ordinary payload appears ORDINARY_WEIGHT times, an oversized one
 * once. Building an event around a 256 KiB value (and re-hashing it) costs a thousand ordinary cases, so drawn
 * uniformly these few dominated a campaign's time; they still come up regularly. Order is kept (the first
 * payload stays the shrink target) and a pick still maps to one payload deterministically.
 */
export function weightedDraws(payloads: readonly Payload[]): readonly Payload[] {
  return payloads.flatMap((payload) => Array<Payload>(payload.template.length > OVERSIZED_TEMPLATE ? 1 : ORDINARY_WEIGHT).fill(payload));
}

interface Picks {
  readonly event: unknown;
  readonly pointPick: number;
  readonly fieldPick: number;
  readonly payloadPick: number;
  readonly placement: Placement;
  readonly canary: string;
}

/** `buildCase` on the choices of one `caseTuple` draw. */
export function buildFromTuple(space: CaseSpace, payloads: readonly Payload[], [event, pointPick, fieldPick, payloadPick, placement, canary]: CaseTuple): FuzzCase {
  return buildCase(space, payloads, { event, pointPick, fieldPick, payloadPick, placement, canary });
}

/**
 * Deterministic from its inputs. A point with no field in this event (no query string, a body that is not
 * JSON) passes to the next point; a payload the field cannot carry passes to the next payload.
 */
export function buildCase(space: CaseSpace, payloads: readonly Payload[], picks: Picks): FuzzCase {
  const targets = space.targetsFor(picks.event);
  for (let t = 0; t < targets.length; t++) {
    const target = targets[(picks.pointPick + t) % targets.length]!;
    const fields = resolveFields(picks.event, target.path);
    if (fields.length === 0) continue;
    const field = fields[picks.fieldPick % fields.length]!;
    const injected = injectPayload(space, payloads, picks, target, field);
    if (injected !== undefined) return injected;
  }
  return { source: space.sourceId, event: picks.event, canary: picks.canary, injection: null, mutators: [] };
}

function injectPayload(space: CaseSpace, payloads: readonly Payload[], picks: Picks, target: TargetPattern, resolved: ResolvedField): FuzzCase | undefined {
  const { path: field, value: original } = resolved;
  const insideJson = holdsJsonValue(field) || space.sourceId === 'custom';
  let rejected: Payload | undefined;
  for (let p = 0; p < payloads.length; p++) {
    const payload = payloads[(picks.payloadPick + p) % payloads.length]!;
    if (payload === rejected) continue; // weighted draws repeat a payload: judge it once
    rejected = payload;
    if (payload.json === true && !insideJson) continue;
    const rendered = render(payload, picks.canary);
    // A JSON payload ({"$ne": null}) replaces the value itself; text is placed into the existing value.
    const placement: Placement = payload.json === true ? 'replace' : picks.placement;
    const value: unknown = payload.json === true ? (JSON.parse(rendered) as unknown) : place(original, rendered, placement);
    if (typeof value === 'string' && target.accepts !== undefined && !target.accepts(value)) continue;
    const event = eventCarrying(space, picks.event, field, value);
    if (event === UNENCODABLE) continue;
    const injection = { point: target.point, target: formatPath(field), payloadId: payload.id, family: payload.family, placement, payload: rendered };
    const fuzzCase: FuzzCase = { source: space.sourceId, event, canary: picks.canary, injection, mutators: [] };
    // Text only: a JSON value (an object) is not something to shorten or vary.
    const rewrite =
      payload.json === true
        ? undefined
        : (text: string): FuzzCase | undefined => {
            const other = eventCarrying(space, picks.event, field, place(original, text, placement));
            if (other === UNENCODABLE) return undefined;
            return withPayloadFreeBase({ ...fuzzCase, event: other, injection: { ...injection, payload: text } }, picks.event);
          };
    return withPayloadFreeBase(fuzzCase, picks.event, rewrite);
  }
  return undefined;
}

const UNENCODABLE: unique symbol = Symbol('unencodable');

/**
 * The event with `value` written at `field` and its derived fields recomputed, or UNENCODABLE when one of the
 * field's encodings (or a derived field: a raw query string, a cookie header) cannot carry the value. Such a
 * payload is passed over like one the field does not accept: no payload may end a run.
 */
function eventCarrying(space: CaseSpace, event: unknown, field: ResolvedField['path'], value: unknown): unknown {
  try {
    return space.sync(writeAt(event, field, () => value));
  } catch (error) {
    // URIError: encodeURIComponent met a lone surrogate while a source recomputed a URL-encoded derived field.
    if (error instanceof UnencodableValue || error instanceof URIError) return UNENCODABLE;
    throw error;
  }
}

/** Where `renderPayload` puts the canary. */
const TOKEN = '{{token}}';
const templateParts = new WeakMap<Payload, readonly string[]>();

/**
 * `renderPayload(payload.template, canary)`, with each template split at its tokens once. A case whose field
 * rejects payloads renders each one it passes over; a template without a token (the 64-256 KiB boundary values)
 * is then returned as is instead of being scanned in full every time.
 */
export function render(payload: Payload, canary: string): string {
  // Marker operands depend on the canary: such templates (a few dozen short ones) render in full.
  if (payload.template.includes('{{a}}') || payload.template.includes('{{b}}')) return renderPayload(payload.template, canary);
  let parts = templateParts.get(payload);
  if (parts === undefined) templateParts.set(payload, (parts = payload.template.split(TOKEN)));
  return parts.length === 1 ? payload.template : parts.join(canary);
}

/** Turns declared patterns into targets once, so the hot loop does not format paths. */
export function toTargets(points: readonly { readonly path: Path; readonly accepts?: (value: string) => boolean; readonly kind?: FieldKind }[]): TargetPattern[] {
  return points.map((p) => ({ path: p.path, point: formatPath(p.path), accepts: p.accepts, kind: p.kind }));
}
