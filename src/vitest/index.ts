import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { HarnessError } from '../core/index.js';
import { fuzz } from '../api/fuzz.js';
import type { FuzzOptions } from '../api/fuzz.js';
import type { FuzzReport } from '../api/report.js';
import { replayFoundOn } from '../api/replay.js';
import type { ReplayOutcome } from '../api/replay.js';
import { selectBudget } from './budget.js';
import { failureMessage } from './message.js';

export { selectBudget } from './budget.js';
export type { Budget } from './budget.js';
export { failureMessage, describeFinding, prettyEvent } from './message.js';

/** Options of the matcher: a local campaign (the handler comes from `expect(...)`). */
export type WithstandOptions = Omit<FuzzOptions, 'handler' | 'function' | 'url'>;

/** Options of `fuzzTest`: a local campaign plus the vitest timeout it must fit in. */
export interface FuzzTestOptions extends FuzzOptions {
  /** The test's timeout; the campaign's time budget is 80% of it (default 60 s). */
  readonly testTimeoutMs?: number;
}

/** What a check did: `message` is empty when it passed. */
export interface FuzzCheck {
  readonly pass: boolean;
  readonly message: string;
  readonly report: FuzzReport;
  readonly reproduced: readonly ReplayOutcome[];
}

const DEFAULT_CORPUS = '.eventfuzz/corpus';

/**
 * Replays the corpus entries found on this handler (in the given `corpusDir`, or `.eventfuzz/corpus`), then runs a budgeted campaign
 * (see `selectBudget`: 300 runs, fixed seed, unless `EVENTFUZZ_EXPLORE` asks for more).
 */
export async function checkHandler(handler: string | URL, options: WithstandOptions & { readonly durationMs?: number | undefined }, env: Readonly<Record<string, string | undefined>> = process.env): Promise<FuzzCheck> {
  const cwd = options.cwd ?? process.cwd();
  const corpusDir = options.corpusDir ?? (existsSync(resolve(cwd, DEFAULT_CORPUS)) ? DEFAULT_CORPUS : undefined);
  const ref = typeof handler === 'string' ? handler : fileURLToPath(handler);
  const reproduced = corpusDir === undefined ? [] : (await replayFoundOn(ref, corpusDir, { cwd })).filter((o) => o.reproduces);
  const budget = selectBudget(env);
  const report = await fuzz({ runs: budget.runs, seed: budget.seed, ...options, corpusDir, handler });
  const how = `seed ${report.seed}, ${report.stats.runs} runs${budget.explore ? '; repeat with EFZ_SEED=' + String(report.seed) + ' EVENTFUZZ_EXPLORE=' + String(budget.runs) : ''}`;
  if (budget.explore) console.log(`eventfuzz: exploring ${budget.runs} runs with seed ${budget.seed} (EFZ_SEED=${budget.seed} repeats it)`);
  const message = failureMessage(report, reproduced, how);
  return { pass: message === '', message, report, reproduced };
}

function isHandlerRef(value: unknown): value is string | URL {
  return typeof value === 'string' || value instanceof URL;
}

expect.extend({
  async toWithstandFuzzing(received: unknown, options: WithstandOptions) {
    if (!isHandlerRef(received)) {
      // Thrown, not a failed verdict, so `.not.toWithstandFuzzing` cannot pass on a value that was never fuzzed.
      throw new HarnessError('EFZ_USAGE', 'toWithstandFuzzing: expect() takes a handler reference such as "src/orders.ts#handler" (a path relative to the working directory, or a file URL); handler functions are not supported.');
    }
    const check = await checkHandler(received, options);
    return { pass: check.pass, message: () => (check.pass ? `expected ${String(received)} not to withstand fuzzing, but eventfuzz found nothing` : check.message) };
  },
});

interface FuzzMatchers<R = unknown> {
  /** Fuzzes the handler (`'src/orders.ts#handler'`): replays the corpus, then a small deterministic campaign. */
  toWithstandFuzzing(options: WithstandOptions): Promise<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  interface Assertion<T = any> extends FuzzMatchers<T> {}
  interface AsymmetricMatchersContaining extends FuzzMatchers {}
}

/** A vitest test that fuzzes `spec.handler` like the matcher does, and fails with a story per finding. */
export function fuzzTest(name: string, spec: FuzzTestOptions): void {
  const testTimeoutMs = spec.testTimeoutMs ?? 60_000;
  test(
    name,
    async () => {
      const { handler, testTimeoutMs: _t, ...rest } = spec;
      if (handler === undefined) throw new HarnessError('EFZ_USAGE', 'fuzzTest: `handler` is required (e.g. "src/orders.ts#handler").');
      const check = await checkHandler(handler, { durationMs: Math.floor(testTimeoutMs * 0.8), ...rest });
      if (!check.pass) throw new Error(check.message);
    },
    testTimeoutMs,
  );
}

/** One line per finding (kept for the examples' assertions): `expect(describeFindings(report)).toEqual([])`. */
export function describeFindings(report: FuzzReport): string[] {
  const failure = report.failure === undefined ? [] : [`the run stopped early: ${report.failure}`];
  const baseline = report.baseline.problems.map((p) => `${p.severity} ${p.oracle} on an unmodified event: ${p.title}`);
  return [...failure, ...baseline, ...report.findings.map((f) => `${f.severity} ${f.oracle} at ${f.field ?? f.injectionPoint ?? '-'}${f.payloadId === null ? '' : ` (${f.payloadId})`}: ${f.title}`)];
}
