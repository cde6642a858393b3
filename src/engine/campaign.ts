import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Finding, FuzzCase, Observation } from '../core/index.js';
import { dedupeKey, HarnessError, isUnprobed } from '../core/index.js';
import type { OracleContext } from '../oracles/types.js';
import { BlockedCallCounter } from './blocked-calls.js';
import { eventFinding, needsMarkerControl, needsReproduction, runControl } from './confirm.js';
import type { ControlVerdict, KeyedFinding } from './confirm.js';
import { shrinkFinding } from './shrink.js';
import type { ShrinkResult } from './shrink.js';
import { RunDeadline } from './run-deadline.js';
import { checkShard, ownsCase } from './shard.js';
import type { CampaignOptions, CampaignProgress, CampaignResult, ReportedFinding } from './types.js';

const PROGRESS_EVERY_MS = 250;
const DEFAULT_SHRINK = { maxInvocations: 300, maxMs: 15_000 } as const;
/**
 * After this many timeouts of one signature at one field that did not reproduce, stop spending re-runs on them.
 * Per field: a timeout's signature says little (a hang has no crash site), and three slow moments of the machine
 * on one field must not switch timeout detection off for every other field of the run.
 */
const MAX_UNREPRODUCED = 3;
/** How many earlier canaries per warm instance `state-leak` looks for. */
const HISTORY_PER_INSTANCE = 16;

interface Completed {
  readonly index: number;
  readonly value: fc.Value<FuzzCase>;
  readonly observation: Observation | undefined;
}

/**
 * Explores cases from `options.cases` against the runner, keeps `runner.parallelism` invocations in flight, and
 * judges results *in generation order*, so the same seed, target and options give the same findings however the
 * invocations interleave. Every distinct finding (oracle + signature: what the bug is, not where the payload was)
 * is saved the moment it is first seen, then shrunk with fast-check's own shrink trees to the smallest case that
 * still shows it, then run once without its payload (`runControl`): a finding the payload-free event shows too is
 * reported about the event, without an injection point. A timeout is confirmed by the same control run before
 * it is saved at all: one slow invocation is not yet a finding.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  return new Campaign(options).run();
}

class Campaign {
  readonly #options: CampaignOptions;
  readonly #findings = new Map<string, ReportedFinding>();
  readonly #started = performance.now();
  /** Cases drawn from the seed's sequence (every shard draws them all). */
  #generated = 0;
  /** Cases run: the drawn ones this shard owns. */
  #runs = 0;
  #invocations = 0;
  readonly #blocked = new BlockedCallCounter();
  #shrinkInvocations = 0;
  #controlInvocations = 0;
  /** Timeouts that did not show again when re-run, by dedupe key. */
  readonly #unreproduced = new Map<string, number>();
  #inflight = 0;
  #ready = false;
  #wake: (() => void) | undefined;
  #lastProgress = 0;
  #fatal: unknown = undefined;
  readonly #history = new Map<string, readonly string[]>();
  /** Recent cases by canary, for findings about an earlier case (bounded like the history). */
  readonly #recentCases = new Map<string, fc.Value<FuzzCase>>();
  readonly #deadline: RunDeadline;

  constructor(options: CampaignOptions) {
    this.#options = options;
    // A worker pool kills its workers at close, so what is still running at the deadline can be left to it.
    this.#deadline = new RunDeadline(options.durationMs, this.#started, options.runner.kind === 'isolated');
  }

  async run(): Promise<CampaignResult> {
    const { cases, runner, seed, feedback } = this.#options;
    const shard = this.#options.shard === undefined ? undefined : checkShard(this.#options.shard);
    // Adaptive feedback would draw case N from what cases before N showed, and a shard sees only its own share:
    // its sequence would drift from the seed's, and the shards' union would no longer be one run's cases.
    if (shard !== undefined && shard.count > 1 && feedback !== undefined && feedback.adaptive !== false) {
      throw new HarnessError('EFZ_USAGE', 'A sharded campaign needs a case sequence that does not depend on results (non-adaptive feedback).');
    }
    const random = new fc.Random(xoroshiro128plus(seed));
    const done = new Map<number, Completed | undefined>();
    let committed = 0;
    for (;;) {
      // Judge what is ready before launching more: with one invocation in flight (in-process), listeners then
      // never run while a handler's output is being captured.
      for (let next = done.get(committed); next !== undefined; next = done.get(committed)) {
        done.delete(committed++);
        await this.#commit(next);
      }
      // With feedback, case N is drawn only once every case before N - lag is judged (see CaseFeedback).
      while (this.#inflight < runner.parallelism && this.#mayGenerate() && (feedback === undefined || committed >= this.#generated - feedback.lag)) {
        const index = this.#generated++;
        feedback?.beforeCase(index);
        // Every shard draws every case, so the random stream (and the cases it owns) is the seed's, whatever N.
        const value = cases.generate(random, undefined);
        if (!ownsCase(shard, index)) {
          done.set(index, { index, value, observation: undefined });
          continue;
        }
        this.#runs++;
        done.set(index, undefined);
        this.#launch(value.value).then((observation) => done.set(index, { index, value, observation }));
      }
      if (done.size === 0 && !this.#mayGenerate()) break;
      // Another shard's cases are ready at once: judge them rather than wait for an invocation that may not exist.
      if (done.get(committed) !== undefined) continue;
      if (!(await this.#nextCompletion())) {
        await this.#abandonAtDeadline(done);
        break;
      }
    }
    this.#progress('exploring', true);
    // A runner that fails mid-run (a worker that can no longer load the handler) ends the run, but what was
    // found so far is still reported: the caller decides what the failure means.
    const failure = this.#fatal === undefined ? undefined : describeFailure(this.#fatal);
    return {
      seed,
      findings: [...this.#findings.values()],
      stats: this.#stats(),
      interrupted: this.#options.signal?.aborted === true || failure !== undefined,
      ...(failure === undefined ? {} : { failure }),
    };
  }

  #mayGenerate(): boolean {
    const { runs, signal } = this.#options;
    return this.#fatal === undefined && signal?.aborted !== true && this.#generated < runs && !this.#deadline.passed;
  }

  /**
   * The deadline expired with invocations still running (hangs longer than what was left of the budget): judge
   * the cases that did complete, in order, and leave the rest to the runner's close. Said to the user, since a
   * hang given up on here is a timeout that a longer `--duration` (or a shorter `--timeout`) would have shown.
   */
  async #abandonAtDeadline(done: ReadonlyMap<number, Completed | undefined>): Promise<void> {
    const running = this.#inflight;
    this.#deadline.abandon(running);
    for (const index of [...done.keys()].sort((a, b) => a - b)) {
      const completed = done.get(index);
      if (completed !== undefined) await this.#commit(completed);
    }
    const what = running === 1 ? '1 invocation was still running' : `${running} invocations were still running`;
    safely(() => this.#options.listener?.onNotice?.(`eventfuzz: the time budget ended: ${what} and ${running === 1 ? 'was' : 'were'} stopped without a verdict; a longer --duration or a shorter --timeout gives such hangs time to show`));
  }

  /**
   * Invokes and wakes the main loop when done. Resolves `undefined` when the runner itself failed (it must not
   * reject for anything the handler does): that ends the run with the runner's error.
   */
  #launch(fuzzCase: FuzzCase): Promise<Observation | undefined> {
    this.#inflight++;
    this.#invocations++;
    const invoked = this.#options.runner.invoke({ caseId: String(this.#invocations), event: fuzzCase.event });
    return invoked.then(
      (observation) => this.#settle(observation),
      (error: unknown) => {
        this.#fatal ??= error;
        return this.#settle(undefined);
      },
    );
  }

  #settle(observation: Observation | undefined): Observation | undefined {
    this.#inflight--;
    this.#ready = true;
    this.#wake?.();
    return observation;
  }

  /** Waits for the next completion; `false` when the run's deadline expired first (nothing completed). */
  async #nextCompletion(): Promise<boolean> {
    // Completions run as microtasks only at an await, so checking the flag before waiting cannot miss one.
    if (!this.#ready) {
      const woke = await this.#deadline.race(new Promise<true>((resolve) => (this.#wake = () => resolve(true))));
      if (woke === undefined) {
        this.#wake = undefined;
        return false;
      }
    }
    this.#wake = undefined;
    this.#ready = false;
    return true;
  }

  async #drain(): Promise<void> {
    while (this.#inflight > 0) if (!(await this.#nextCompletion())) return;
  }

  #context(fuzzCase: FuzzCase, instance: string): OracleContext {
    return { case: fuzzCase, secrets: this.#options.secrets, timeoutMs: this.#options.timeoutMs, earlierCanaries: this.#history.get(instance) };
  }

  /** Remembers which canaries an instance has seen, most recent first, for `state-leak`. */
  #remember(instance: string, canary: string): void {
    const seen = this.#history.get(instance) ?? [];
    if (seen[0] !== canary) this.#history.set(instance, [canary, ...seen.slice(0, HISTORY_PER_INSTANCE - 1)]);
  }

  async #commit({ index, value, observation }: Completed): Promise<void> {
    if (observation === undefined) return; // another shard's case, or the runner failed (#fatal ends the run)
    const fuzzCase = value.value;
    const findings = this.#options.judge(observation, this.#context(fuzzCase, observation.instance));
    this.#blocked.add(observation.effects);
    this.#remember(observation.instance, fuzzCase.canary);
    this.#recentCases.set(fuzzCase.canary, value);
    if (this.#recentCases.size > 64) this.#recentCases.delete(this.#recentCases.keys().next().value!);
    const reportable = findings.filter((finding) => {
      const key = dedupeKey(finding);
      return this.#options.ignore?.has(key) !== true && ((this.#unreproduced.get(unreproducedKey(key, fuzzCase)) ?? 0) < MAX_UNREPRODUCED || this.#findings.has(key));
    });
    this.#options.feedback?.observed(index, fuzzCase, observation, reportable);
    for (const finding of reportable) {
      const key = dedupeKey(finding);
      const known = this.#findings.get(key);
      // A confirmed hit on a sink first seen as tainted is stronger proof of the same bug: it replaces the
      // stored case (and is shrunk in turn) instead of being counted as one more hit.
      const subject = (finding.earlierCanary === undefined ? undefined : this.#recentCases.get(finding.earlierCanary)) ?? value;
      if (known === undefined || strength(finding) > strength(known)) await this.#newFinding(key, finding, subject, (known?.hits ?? 0) + 1, isUnprobed(observation));
      else this.#findings.set(key, { ...known, hits: known.hits + 1 });
    }
    this.#progress('exploring', false);
  }

  async #newFinding(key: string, finding: Finding, value: fc.Value<FuzzCase>, hits: number, remote: boolean): Promise<void> {
    const { listener } = this.#options;
    const reproduce = needsReproduction(finding);
    // A remote target's marker proves evaluation only once its disarmed control does not show it (confirm.ts).
    const markerControl = needsMarkerControl(finding, remote);
    const confirmFirst = reproduce || markerControl;
    // Saved at once (nothing lost), except a timeout (one slow invocation is not a finding until it shows again)
    // and a remote marker (a target that prints it for every input is no finding at all).
    if (!confirmFirst) {
      const found = await this.#record(toReported(key, finding, value.value, hits));
      safely(() => listener?.onFinding?.(found, 'found'));
    }
    // Shrinking and control runs invoke the runner themselves: let exploration settle first, so an in-process
    // runner never has two invocations (and two sets of captured logs) in flight.
    await this.#drain();
    // A finding about an earlier case needs two invocations to show again; shrinking replays one at a time.
    if (finding.earlierCanary !== undefined) return;
    // A timeout's re-run takes the whole per-invocation deadline: without that much time left it cannot finish.
    if (this.#stopped() || (reproduce && this.#deadline.remainingMs() < this.#options.timeoutMs)) {
      if (confirmFirst) await this.#unconfirmedAtStop(key, finding, value.value, hits);
      return;
    }
    if (confirmFirst) {
      const verdict = await this.#control(value.value, key, finding, reproduce, markerControl);
      // A runner that failed (or a stop) during the re-run is no evidence against the timeout: keep it, unconfirmed.
      if (verdict.kind === 'unreproduced' && this.#stopped()) {
        await this.#unconfirmedAtStop(key, finding, value.value, hits);
        return;
      }
      if (verdict.kind === 'unreproduced' || verdict.kind === 'marker-without-evaluation') {
        const retries = unreproducedKey(key, value.value);
        this.#unreproduced.set(retries, (this.#unreproduced.get(retries) ?? 0) + 1);
        return;
      }
      const confirmed = await this.#recordVerdict(key, verdict, value.value, finding, hits);
      safely(() => listener?.onFinding?.(confirmed, 'found'));
      // Shrinking a timeout the payload-free event shows too would only shrink the event: nothing to gain.
      if (verdict.kind === 'event') return;
    }
    const limits = this.#shrinkLimits();
    const smaller = limits.maxMs <= 0 ? undefined : await this.#shrink(key, finding, value, limits);
    if (this.#stopped()) {
      if (smaller !== undefined && !confirmFirst) await this.#recordShrunk(key, { kind: 'no-control' }, smaller.fuzzCase, smaller.finding, hits);
      return;
    }
    // A timeout's found case was confirmed above; without a smaller case there is nothing more to judge.
    if (confirmFirst && smaller === undefined) return;
    const subject = smaller ?? { fuzzCase: value.value, finding };
    const verdict = await this.#control(subject.fuzzCase, key, subject.finding, reproduce, markerControl);
    // A shrunk timeout (or remote marker) that no longer confirms keeps the confirmed case it came from.
    if (confirmFirst && (verdict.kind === 'unreproduced' || verdict.kind === 'event' || verdict.kind === 'marker-without-evaluation')) return;
    // Found, not shrunk, and the payload is what triggers it: the saved entry already says so.
    if (smaller === undefined && verdict.kind !== 'event') return;
    await this.#recordShrunk(key, verdict, subject.fuzzCase, subject.finding, hits);
  }

  async #recordShrunk(key: string, verdict: ControlVerdict, fuzzCase: FuzzCase, finding: Finding, hits: number): Promise<void> {
    const reported = await this.#recordVerdict(key, verdict, fuzzCase, finding, this.#findings.get(key)?.hits ?? hits);
    safely(() => this.#options.listener?.onFinding?.(reported, 'shrunk'));
  }

  /** Nothing more is run: the caller stopped the run, the runner failed, or the time budget is spent. */
  #stopped(): boolean {
    return this.#options.signal?.aborted === true || this.#fatal !== undefined || this.#deadline.passed;
  }

  /** Runs the shrinker on a finding; `undefined` when nothing smaller shows it. */
  async #shrink(key: string, finding: Finding, value: fc.Value<FuzzCase>, limits: { readonly maxInvocations: number; readonly maxMs: number }): Promise<ShrinkResult | undefined> {
    this.#progress('shrinking', true);
    return shrinkFinding({
      start: value,
      key,
      minimumStrength: strength(finding),
      strength,
      arbitrary: this.#options.cases,
      evaluate: async (candidate) => {
        // Findings are deduplicated across fields, so any field showing the bug would do; but shrinking simplifies
        // the event and the payload, it must not move the finding to whichever field comes first in the list.
        if (candidate.injection?.point !== value.value.injection?.point) return [];
        this.#shrinkInvocations++;
        return (await this.#evaluate(candidate)) ?? [];
      },
      limits,
      signal: this.#options.signal,
      shouldStop: () => this.#fatal !== undefined || this.#deadline.passed,
    });
  }

  /** Runs one case outside exploration and judges it; `undefined` when it did not run to a verdict. */
  async #evaluate(candidate: FuzzCase): Promise<readonly KeyedFinding[] | undefined> {
    if (this.#deadline.passed) return undefined; // nothing new starts after the deadline
    const observation = await this.#deadline.race(this.#launch(candidate));
    if (observation === undefined) {
      if (this.#deadline.expired) this.#deadline.abandon(1);
      return undefined;
    }
    const context = this.#context(candidate, observation.instance);
    this.#remember(observation.instance, candidate.canary);
    return this.#options.judge(observation, context).map((f) => ({ key: dedupeKey(f), finding: f }));
  }

  #control(fuzzCase: FuzzCase, key: string, finding: Finding, reproduce: boolean, markerControl = false): Promise<ControlVerdict> {
    // A handler-wide finding (a state leak) shows whatever the current case carries: no field to attribute.
    if (finding.handlerWide === true) return Promise.resolve({ kind: 'no-control' });
    return runControl({
      fuzzCase,
      finding,
      key,
      reproduce,
      withoutPayload: this.#options.withoutPayload ?? (() => undefined),
      withPayload: this.#options.withPayload,
      markerControl,
      evaluate: (candidate) => {
        this.#controlInvocations++;
        return this.#evaluate(candidate);
      },
    });
  }

  /** Records a finding as its control verdict says: at the payload's field, or about the event itself. */
  #recordVerdict(key: string, verdict: ControlVerdict, fuzzCase: FuzzCase, finding: Finding, hits: number): Promise<ReportedFinding> {
    if (verdict.kind === 'event') return this.#record(toReported(key, eventFinding(verdict.finding), verdict.control, hits));
    const judged = verdict.kind === 'payload' ? verdict.finding : verdict.kind === 'no-control' ? (verdict.finding ?? finding) : finding;
    return this.#record(toReported(key, judged, fuzzCase, hits));
  }

  /** The run stopped before a timeout could be re-run: keep it, but say it is unconfirmed, and why. */
  async #unconfirmedAtStop(key: string, finding: Finding, fuzzCase: FuzzCase, hits: number): Promise<void> {
    const why = this.#options.signal?.aborted === true || this.#fatal !== undefined ? 'the run stopped first' : 'too little of the time budget was left';
    const unconfirmed: Finding = { ...finding, confidence: 'tainted', evidence: `${finding.evidence}
Not re-run (${why}): unconfirmed.` };
    const reported = await this.#record(toReported(key, unconfirmed, fuzzCase, hits));
    safely(() => this.#options.listener?.onFinding?.(reported, 'found'));
  }

  async #record(finding: Omit<ReportedFinding, 'corpusFile'>): Promise<ReportedFinding> {
    const corpusFile = this.#options.sink === undefined ? undefined : await this.#options.sink.save(finding);
    const reported = { ...finding, corpusFile };
    this.#findings.set(finding.dedupeKey, reported);
    return reported;
  }

  /** Shrinking counts against `durationMs` too: never shrink past the end of the run's time budget. */
  #shrinkLimits(): { readonly maxInvocations: number; readonly maxMs: number } {
    const limits = this.#options.shrink ?? DEFAULT_SHRINK;
    const { durationMs } = this.#options;
    if (durationMs === undefined) return limits;
    return { ...limits, maxMs: Math.min(limits.maxMs, durationMs - (performance.now() - this.#started)) };
  }

  #stats(): CampaignResult['stats'] {
    const durationMs = Math.round(performance.now() - this.#started);
    const execsPerSecond = durationMs === 0 ? 0 : Math.round((this.#invocations / durationMs) * 10_000) / 10;
    return {
      runs: this.#runs,
      blocked: this.#blocked.totals,
      invocations: this.#invocations,
      shrinkInvocations: this.#shrinkInvocations,
      controlInvocations: this.#controlInvocations,
      durationMs,
      execsPerSecond,
      coverage: this.#options.feedback?.coverage(),
    };
  }

  #progress(phase: CampaignProgress['phase'], force: boolean): void {
    const listener = this.#options.listener;
    if (listener?.onProgress === undefined) return;
    const now = performance.now();
    if (!force && now - this.#lastProgress < PROGRESS_EVERY_MS) return;
    this.#lastProgress = now;
    const stats = this.#stats();
    safely(() =>
      listener.onProgress?.({ runs: stats.runs, invocations: stats.invocations, findings: this.#findings.size, elapsedMs: stats.durationMs, execsPerSecond: stats.execsPerSecond, phase }),
    );
  }
}

const CONFIDENCE_RANK = { tainted: 0, confirmed: 1 } as const;
const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/** How strong the proof of a finding is: confidence first, then severity. */
function unreproducedKey(key: string, fuzzCase: FuzzCase): string {
  return `${key}@${fuzzCase.injection?.point ?? ''}`;
}

export function strength(finding: Pick<Finding, 'confidence' | 'severity' | 'proofRank'>): number {
  return (CONFIDENCE_RANK[finding.confidence] * 10 + SEVERITY_RANK[finding.severity]) * 10 + Math.min(9, Math.max(0, finding.proofRank ?? 0));
}

/** A finding as reported and stored: its id is a hash of the dedupe key, so one bug keeps one corpus file. */
export function toReported(key: string, { proofRank: _rankOnlyPicksTheCase, provenByMarker: _onlyTheEngineAsks, ...finding }: Finding, fuzzCase: FuzzCase, hits: number): Omit<ReportedFinding, 'corpusFile'> {
  return {
    ...finding,
    id: createHash('sha256').update(key).digest('hex').slice(0, 12),
    dedupeKey: key,
    injectionPoint: fuzzCase.injection?.point ?? null,
    payloadId: fuzzCase.injection?.payloadId ?? null,
    case: fuzzCase,
    hits,
  };
}

function describeFailure(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : String(error);
}

/** Reporters must not be able to break a campaign (fast-check's rule for hooks). */
export function safely(call: () => void): void {
  try {
    call();
  } catch {
    // ignored on purpose: a reporter bug must not lose findings
  }
}
