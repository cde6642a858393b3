import type { Finding, FuzzCase, Observation } from '../core/index.js';
import { isUnprobed } from '../core/index.js';

/** The payload families a timing check has sleeping twins for; each family is also its oracle's id. */
export const TIMED_FAMILIES: ReadonlySet<string> = new Set(['command-injection', 'code-injection']);

/** A reported finding as far as choosing fields goes. */
interface Reported {
  readonly oracle: string;
  readonly injectionPoint: string | null;
}

/**
 * Collects, while a remote campaign runs, one case per field and family where a command- or code-injection
 * payload was delivered (no probes: a remote target) and the oracle of its family saw nothing in that answer.
 * After the campaign, `pending` drops the fields where the campaign reported that oracle anyway (a marker came
 * back from another case): the timing check runs only where nothing did, so it never doubles the cost of a case.
 */
export class TimingCandidates {
  readonly #byField = new Map<string, FuzzCase>();
  readonly #usable: (fuzzCase: FuzzCase) => boolean;

  /** `usable`: whether a case can have its field rewritten (a case built by the generators can; a control cannot). */
  constructor(usable: (fuzzCase: FuzzCase) => boolean = () => true) {
    this.#usable = usable;
  }

  /** Called with every judged observation and what the oracles said about it. */
  observe(fuzzCase: FuzzCase, observation: Observation, findings: readonly Pick<Finding, 'oracle'>[]): void {
    const injection = fuzzCase.injection;
    if (injection === null || !TIMED_FAMILIES.has(injection.family) || !isUnprobed(observation)) return;
    // Not delivered (the cap), throttled, or the connection failed: nothing was sent that could have run.
    if (observation.outcome.kind === 'transport-error') return;
    if (findings.some((finding) => finding.oracle === injection.family)) return;
    const key = `${injection.family}@${injection.point}`;
    if (!this.#byField.has(key) && this.#usable(fuzzCase)) this.#byField.set(key, fuzzCase);
  }

  /** The fields to check, in the order they were first seen, minus those the campaign reported for the family. */
  pending(reported: readonly Reported[]): readonly FuzzCase[] {
    const found = new Set(reported.map((finding) => `${finding.oracle}@${finding.injectionPoint ?? ''}`));
    return [...this.#byField.entries()].filter(([key]) => !found.has(key)).map(([, fuzzCase]) => fuzzCase);
  }
}
