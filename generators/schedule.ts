import fc from 'fast-check';
import type { Effect, Finding, FuzzCase, Observation, PairCoverage, Placement } from '../src/core/index.js';
import type { Payload } from '../src/payloads/types.js';
import { familyOrder } from './field-fit.js';
import type { FieldShape } from './field-fit.js';
import { buildFromTuple, caseTuple, DEFAULT_PLACEMENTS, render, weightedDraws } from './fuzz-case.js';
import type { CaseTuple, FuzzCaseConstraints, TargetPattern } from './fuzz-case.js';
import { holdsJsonValue, resolveFields } from './inject.js';
import { payloadFreeBase } from './payload-free.js';

/**
 * How many cases may be in flight between a case and the first case that knows what it showed. Fixed, not the
 * runner's parallelism: the same seed then gives the same cases (and findings) on one worker or sixteen.
 */
export const FEEDBACK_LAG = 64;
/** One case in this many explores freely (fast-check's own draws), whatever the plan has queued. */
const RANDOM_EVERY = 4;
/** Draws tried for a planned pair before settling for whatever field the event has. */
const PLANNED_DRAWS = 4;
/** Redraws of a free case that hit a point × payload which already gave a finding. */
const FOUND_REDRAWS = 3;
/** A canary of the real shape, for judging whether a field could carry a payload before any case exists. */
const PROBE_CANARY = 'efz000000000000';
/** Steered cases queued for one field × family at most. */
const MAX_STEERED = 48;

/**
 * The payload families worth sending to a field once its token reached a sink: a token seen in a shell script
 * or a program's arguments wants command payloads, in a path the traversal ones, and so on. Code reached by
 * text includes template engines and deserialisers, which compile what they are given.
 */
const SINK_FAMILIES: Readonly<Record<Effect['kind'], readonly string[]>> = {
  process: ['command-injection'],
  file: ['path-traversal'],
  network: ['ssrf'],
  'code-eval': ['code-injection', 'template-injection', 'prototype-pollution'],
  canary: [],
  'globals-modified': [],
};


/** One field of one base event (a sample, or the generated events of a source) and what fits it. */
interface Slot {
  readonly key: string;
  /** Index into the samples, or undefined for generated events. */
  readonly sample: number | undefined;
  readonly targetIndex: number;
  readonly point: string;
  /** Families that can reach this field, best fit first. */
  readonly families: readonly string[];
  /** The placements worth sweeping here: `segment` only where the value is a path. */
  readonly placements: readonly Placement[];
  /** Each family's payloads for this field, those shaped like the field's value first. */
  readonly members: ReadonlyMap<string, readonly Payload[]>;
}

interface Plan {
  readonly slot: Slot;
  readonly payload: Payload;
  readonly placement: Placement;
}

interface PlannedPicks {
  readonly sample: unknown;
  readonly pointPick: number;
  readonly payloadPick: number;
  readonly placement: Placement;
}

interface Pending {
  readonly index: number;
  readonly fuzzCase: FuzzCase;
  readonly observation: Observation;
  readonly found: boolean;
}

/**
 * The cases of a campaign, chosen in three ways:
 * - a first pass sends every family to every field, each field's best-fitting family first (see field-fit.ts),
 *   round by round, so a sample with 33 leaves has each leaf tried with each kind of payload within the first
 *   few hundred cases instead of by chance;
 * - steering: when a case's token reaches a sink (a shell, a file path, a connection, evaluated code), even
 *   harmlessly, the next cases send that sink's payload families to that field, every payload and placement;
 * - one case in RANDOM_EVERY, and every case once the plan is empty, is fast-check's own free draw (which
 *   avoids a point × payload that already gave a finding).
 * A case is planned from what the cases up to FEEDBACK_LAG before it showed, exactly, so the sequence depends on
 * the seed and the handler only. Every case is a value of one arbitrary, so planned cases shrink like free ones.
 */
export class CaseSchedule {
  readonly arbitrary: fc.Arbitrary<FuzzCase>;
  /** Non-adaptive: no case waits for an earlier one to be judged. */
  readonly lag: number;
  /**
   * `false`: the cases depend on the seed alone: the sweep and the free draws go on, but nothing observed steers
   * them (no sink-led payloads, no skipping what was found). A sharded campaign needs this, since a shard does
   * not see what the other shards' cases showed.
   */
  readonly adaptive: boolean;
  readonly #constraints: FuzzCaseConstraints;
  readonly #draws: readonly Payload[];
  readonly #drawIndex = new Map<Payload, number>();
  readonly #byFamily = new Map<string, Payload[]>();
  readonly #placements: readonly Placement[];
  readonly #slots: Slot[] = [];
  readonly #slotByKey = new Map<string, Slot>();
  readonly #sampleIndex = new Map<unknown, number>();
  /** Where the systematic sweep is: level, rank of fit, slot (see #nextFirstPass). */
  readonly #sweep = { level: 0, rank: 0, slot: 0 };
  #sweepPasses = 0;
  #sweepRanks = 0;
  #pairs = 0;
  readonly #steered: Plan[] = [];
  readonly #steeredPairs = new Set<string>();
  readonly #foundPairs = new Set<string>();
  readonly #foundPayloads = new Set<string>();
  readonly #covered = new Set<string>();
  readonly #pending: Pending[] = [];
  #plan: Plan | undefined;

  constructor(constraints: FuzzCaseConstraints, options: { readonly adaptive?: boolean | undefined } = {}) {
    this.#constraints = constraints;
    this.adaptive = options.adaptive ?? true;
    this.lag = this.adaptive ? FEEDBACK_LAG : Number.POSITIVE_INFINITY;
    this.#draws = weightedDraws(constraints.payloads);
    this.#draws.forEach((payload, index) => {
      if (!this.#drawIndex.has(payload)) this.#drawIndex.set(payload, index);
    });
    for (const payload of constraints.payloads) {
      const family = this.#byFamily.get(payload.family) ?? [];
      family.push(payload);
      this.#byFamily.set(payload.family, family);
    }
    this.#placements = constraints.placements ?? DEFAULT_PLACEMENTS;
    this.#buildSlots();
    const tuples = caseTuple(constraints.space, this.#placements);
    this.arbitrary = new ScheduledArbitrary(tuples, (tuple) => buildFromTuple(constraints.space, this.#draws, tuple), this);
  }

  /** Called before case `index` is drawn: takes in what the cases before `index - lag` showed, then plans. */
  beforeCase(index: number): void {
    while (this.#pending.length > 0 && this.#pending[0]!.index < index - this.lag) this.#learn(this.#pending.shift()!);
    const free = index % RANDOM_EVERY === RANDOM_EVERY - 1;
    this.#plan = free ? undefined : (this.#steered.shift() ?? this.#nextFirstPass());
  }

  /** What case `index` showed and whether it gave a new finding; used from case `index + lag + 1` on. */
  observed(index: number, fuzzCase: FuzzCase, observation: Observation, findings: readonly Finding[]): void {
    // Only a confirmed finding settles a field × family: a tainted one (code that reached a sink but did not run)
    // still wants the payloads that would make it run.
    if (this.adaptive) this.#pending.push({ index, fuzzCase, observation, found: findings.some((f) => f.handlerWide !== true && f.confidence === 'confirmed') });
    // Coverage only counts what ran; it steers nothing, so it need not wait for the lag.
    const slot = this.#slotOf(fuzzCase);
    if (slot !== undefined && fuzzCase.injection !== null && slot.members.has(fuzzCase.injection.family)) this.#covered.add(`${slot.key}|${fuzzCase.injection.family}`);
  }

  coverage(): PairCoverage {
    return { pairs: this.#pairs, covered: this.#covered.size };
  }

  /** @internal The picks for the case being drawn: the plan's, or none for a free draw. */
  get plan(): Plan | undefined {
    return this.#plan;
  }

  /** @internal A free draw that repeats a point × payload which already gave a finding is worth redrawing. */
  isSpent(fuzzCase: FuzzCase): boolean {
    const slot = this.#slotOf(fuzzCase);
    return slot !== undefined && fuzzCase.injection !== null && this.#foundPayloads.has(`${slot.key}|${fuzzCase.injection.payloadId}`);
  }

  /** @internal Where a plan's picks go in the case tuple. */
  picksFor(plan: Plan): PlannedPicks {
    const samples = this.#constraints.space.samples;
    return {
      sample: plan.slot.sample === undefined || samples === undefined ? undefined : samples[plan.slot.sample],
      pointPick: plan.slot.targetIndex,
      payloadPick: this.#drawIndex.get(plan.payload)!,
      placement: plan.placement,
    };
  }

  /** @internal Whether a built case landed where its plan meant it to. */
  landed(plan: Plan, fuzzCase: FuzzCase): boolean {
    return fuzzCase.injection?.point === plan.slot.point;
  }

  #buildSlots(): void {
    const { space, payloads } = this.#constraints;
    const families = [...new Set(payloads.map((p) => p.family))];
    const add = (sample: number | undefined, event: unknown, targets: readonly TargetPattern[]): void => {
      targets.forEach((target, targetIndex) => {
        const key = `${sample ?? '*'}|${target.point}`;
        if (this.#slotByKey.has(key)) return;
        const value = event === undefined ? undefined : resolveFields(event, target.path)[0]?.value;
        const shape: FieldShape = { name: fieldName(target), kind: target.kind, value: typeof value === 'string' ? value : undefined };
        const insideJson = space.sourceId === 'custom' || holdsJsonValue(target.path);
        // Only what this field can carry: JSON values inside JSON, and what the field accepts (a Number attribute
        // takes numbers; a header no CR/LF), judged on the payload as it would replace the value.
        const fits = (payload: Payload): boolean =>
          (payload.json !== true || insideJson) && (payload.json === true || target.accepts === undefined || target.accepts(render(payload, PROBE_CANARY)));
        const members = new Map<string, readonly Payload[]>();
        for (const family of families) {
          const fitting = this.#byFamily.get(family)!.filter(fits);
          if (fitting.length > 0) members.set(family, byLikeness(jsonValuesFirst(fitting, insideJson), shape.value));
        }
        const reachable = [...members.keys()];
        const pathLike = shape.value === undefined ? target.kind === 'object-key' || target.kind === 'path' : shape.value.includes('/');
        const placements = this.#placements.filter((placement) => placement !== 'segment' || pathLike);
        const slot: Slot = { key, sample, targetIndex, point: target.point, families: familyOrder(shape, reachable), placements, members };
        this.#slots.push(slot);
        this.#slotByKey.set(key, slot);
      });
    };
    if (space.samples === undefined) add(undefined, undefined, space.targetsFor(undefined));
    else space.samples.forEach((sample, index) => {
      if (!this.#sampleIndex.has(sample)) this.#sampleIndex.set(sample, index);
      add(index, sample, space.targetsFor(sample));
    });
    this.#pairs = this.#slots.reduce((sum, slot) => sum + slot.families.length, 0);
    this.#sweepRanks = Math.max(0, ...this.#slots.map((slot) => slot.families.length));
    const widest = Math.max(0, ...[...this.#byFamily.values()].map((members) => members.length));
    this.#sweepPasses = widest * this.#placements.length;
  }

  /**
   * The sweep. Level 0 sends every field the first payload of each of its families, best fit first across all
   * fields (each field's likeliest family comes round before anyone's second): every field × family pair once.
   * Level L > 0 then sends payload number L - r of the family of rank r, for every field: a field's best-fitting
   * family gets through its payloads first, the others follow a level behind per rank. Once a family's payloads
   * are used up, they come again in the field's next placement.
   */
  #nextFirstPass(): Plan | undefined {
    const at = this.#sweep;
    while (at.level <= this.#sweepPasses + this.#sweepRanks) {
      const { level, rank } = at;
      const slot = this.#slots[at.slot];
      const pass = level === 0 ? 0 : level - rank;
      if (++at.slot >= this.#slots.length) {
        at.slot = 0;
        if (++at.rank >= this.#sweepRanks) {
          at.rank = 0;
          at.level++;
        }
      }
      const family = slot?.families[rank];
      if (slot === undefined || family === undefined || (level > 0 && pass < 1)) continue;
      if (this.#foundPairs.has(`${slot.key}|${family}`)) continue;
      const members = slot.members.get(family)!;
      const placement = slot.placements[Math.floor(pass / members.length)];
      if (placement === undefined) continue;
      return { slot, payload: members[pass % members.length]!, placement };
    }
    return undefined;
  }

  #learn({ fuzzCase, observation, found }: Pending): void {
    const slot = this.#slotOf(fuzzCase);
    if (slot === undefined || fuzzCase.injection === null) return;
    const pair = `${slot.key}|${fuzzCase.injection.family}`;
    if (found) {
      this.#foundPairs.add(pair);
      this.#foundPayloads.add(`${slot.key}|${fuzzCase.injection.payloadId}`);
      // A bug found at this field × family needs no more of the budget: its shrinking already has the case.
      for (let i = this.#steered.length - 1; i >= 0; i--) if (`${this.#steered[i]!.slot.key}|${this.#steered[i]!.payload.family}` === pair) this.#steered.splice(i, 1);
    }
    for (const family of reachedFamilies(observation.effects, fuzzCase.canary)) this.#steer(slot, family);
  }

  /** Queues every payload of `family` for `slot`, in each placement, once per pair. */
  #steer(slot: Slot, family: string): void {
    const pair = `${slot.key}|${family}`;
    if (this.#steeredPairs.has(pair) || this.#foundPairs.has(pair) || !slot.families.includes(family)) return;
    this.#steeredPairs.add(pair);
    const plans: Plan[] = [];
    for (const placement of slot.placements) {
      for (const payload of slot.members.get(family)!) plans.push({ slot, payload, placement });
    }
    this.#steered.push(...plans.slice(0, MAX_STEERED));
  }

  #slotOf(fuzzCase: FuzzCase): Slot | undefined {
    if (fuzzCase.injection === null) return undefined;
    const sample = this.#constraints.space.samples === undefined ? undefined : this.#sampleIndex.get(baseEventOf(fuzzCase));
    return this.#slotByKey.get(`${sample ?? '*'}|${fuzzCase.injection.point}`);
  }
}

/** The sample a case was built on: the event of its payload-free twin (see payload-free.ts). */
function baseEventOf(fuzzCase: FuzzCase): unknown {
  return payloadFreeBase(fuzzCase);
}

/** The families a case's sinks ask for: those of every effect whose arguments carry the case's token. */
export function reachedFamilies(effects: readonly Effect[] | undefined, canary: string): string[] {
  const families = new Set<string>();
  for (const effect of effects ?? []) {
    if (!carries(effect, canary)) continue;
    for (const family of SINK_FAMILIES[effect.kind]) families.add(family);
  }
  return [...families];
}

function carries(effect: Effect, canary: string): boolean {
  switch (effect.kind) {
    case 'process':
      return effect.file.includes(canary) || (effect.script ?? '').includes(canary) || effect.args.some((arg) => arg.includes(canary));
    case 'file':
      return effect.path.includes(canary) || effect.resolved.includes(canary);
    case 'network':
      return effect.host.includes(canary) || (effect.url ?? '').includes(canary);
    case 'code-eval':
      return effect.code.includes(canary);
    default:
      return false;
  }
}

/**
 * The field's own name: the last key of its path that says what the field is. Envelope keys that only say how a
 * value is carried (`stringValue` of an SQS attribute, `Value` of an SNS one) give way to the key above them.
 */
function fieldName(target: TargetPattern): string | undefined {
  for (let i = target.path.length - 1; i >= 0; i--) {
    const segment = target.path[i];
    if (typeof segment === 'string' && segment !== '*' && segment !== '**' && !CARRIER_KEYS.has(segment)) return segment;
  }
  return undefined;
}
const CARRIER_KEYS = new Set(['stringValue', 'binaryValue', 'StringValue', 'BinaryValue', 'Value', 'value', 'S', 'N', 'body', 'Message', 'Records', 'Sns', 'detail']);

/**
 * The case arbitrary the schedule draws from: fast-check's tuple of picks, with the plan's picks written over
 * the drawn ones. Shrinking goes through the tuple's own shrinker (an integer or constant shrinks without its
 * generation context), so a planned case shrinks exactly like a free one.
 */
class ScheduledArbitrary extends fc.Arbitrary<FuzzCase> {
  readonly tuples: fc.Arbitrary<CaseTuple>;
  readonly build: (tuple: CaseTuple) => FuzzCase;
  readonly schedule: CaseSchedule;

  constructor(tuples: fc.Arbitrary<CaseTuple>, build: (tuple: CaseTuple) => FuzzCase, schedule: CaseSchedule) {
    super();
    this.tuples = tuples;
    this.build = build;
    this.schedule = schedule;
  }

  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<FuzzCase> {
    const plan = this.schedule.plan;
    if (plan === undefined) {
      let drawn = this.#drawn(this.tuples.generate(random, biasFactor));
      for (let redraw = 0; redraw < FOUND_REDRAWS && this.schedule.isSpent(drawn.value_); redraw++) drawn = this.#drawn(this.tuples.generate(random, biasFactor));
      return drawn;
    }
    const picks = this.schedule.picksFor(plan);
    let planned: fc.Value<FuzzCase> | undefined;
    for (let draw = 0; draw < PLANNED_DRAWS; draw++) {
      planned = this.#drawn(overwrite(this.tuples.generate(random, biasFactor), picks));
      if (this.schedule.landed(plan, planned.value_)) break;
    }
    return planned!;
  }

  canShrinkWithoutContext(value: unknown): value is FuzzCase {
    void value;
    return false;
  }

  shrink(_value: FuzzCase, context: unknown): fc.Stream<fc.Value<FuzzCase>> {
    const tuple = context as fc.Value<CaseTuple> | undefined;
    if (tuple === undefined) return fc.Stream.nil();
    return this.tuples.shrink(tuple.value_, tuple.context).map((smaller) => this.#drawn(smaller));
  }

  #drawn(tuple: fc.Value<CaseTuple>): fc.Value<FuzzCase> {
    return new fc.Value(this.build(tuple.value_), tuple);
  }
}

/** The drawn tuple with the plan's event, point, payload and placement; the field pick and canary stay drawn. */
function overwrite(drawn: fc.Value<CaseTuple>, picks: PlannedPicks): fc.Value<CaseTuple> {
  const [event, , fieldPick, , , canary] = drawn.value_;
  const contexts = drawn.context as readonly unknown[];
  const sampled = picks.sample !== undefined;
  return new fc.Value<CaseTuple>(
    [sampled ? picks.sample : event, picks.pointPick, fieldPick, picks.payloadPick, picks.placement, canary],
    // A constant or an integer shrinks without its generation context; the others keep theirs.
    [sampled ? undefined : contexts[0], undefined, contexts[2], undefined, undefined, contexts[5]],
  );
}

/**
 * A family's payloads with those shaped like the field's current value first (stable otherwise): a value such
 * as `checkout.express.enabled` is a dotted path, so `__proto__.<token>` fits it better than a JSON document.
 * Shape is the set of punctuation characters, compared by Jaccard index; without a value the order is kept.
 */
/**
 * Where a field holds a JSON value, re-typing it (an object, an array, a number or null where the sender wrote a
 * string) is the likeliest way in: handlers check a JSON field's presence far more often than its type.
 */
function jsonValuesFirst(payloads: readonly Payload[], insideJson: boolean): readonly Payload[] {
  return insideJson ? [...payloads.filter((p) => p.json === true), ...payloads.filter((p) => p.json !== true)] : payloads;
}

function byLikeness(payloads: readonly Payload[], value: string | undefined): readonly Payload[] {
  if (value === undefined) return payloads;
  const shape = punctuation(value);
  // A weak likeness says little (most payloads share a dot with most values): below LIKENESS the corpus order,
  // which puts each family's likeliest payload first, stands.
  const score = new Map(
    payloads.map((payload) => {
      const likeness = jaccard(shape, punctuation(payload.template.replaceAll(PLACEHOLDER, '')));
      return [payload, likeness >= LIKENESS ? likeness : 0] as const;
    }),
  );
  return [...payloads].sort((a, b) => score.get(b)! - score.get(a)!);
}

const LIKENESS = 0.5;
/** `{{token}}` and the expanded-at-load placeholders' braces are not part of a payload's shape. */
const PLACEHOLDER = /\{\{[a-z]+\}\}/g;

function punctuation(text: string): Set<string> {
  const marks = new Set<string>();
  for (const char of text.slice(0, 512)) if (/[^\p{L}\p{N}\s]/u.test(char)) marks.add(char);
  return marks;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const mark of a) if (b.has(mark)) shared++;
  return shared / (a.size + b.size - shared);
}
