/** How much a vitest fuzz check runs, chosen from the environment (no vitest import: unit-testable). */
export interface Budget {
  readonly runs: number;
  readonly seed: number;
  /** True when `EVENTFUZZ_EXPLORE` asked for a longer, random-seeded run. */
  readonly explore: boolean;
}

/** The default, and what CI runs: a small deterministic campaign. */
export const CI_RUNS = 300;
export const CI_SEED = 1;
/** Runs of `EVENTFUZZ_EXPLORE=1` (a number instead of 1 sets them). */
export const EXPLORE_RUNS = 5000;

/**
 * `EVENTFUZZ_EXPLORE` unset/`0`/empty: 300 runs, seed `EFZ_SEED` or 1. `EVENTFUZZ_EXPLORE=1`: 5000 runs;
 * `=<n>`: n runs; with a random seed unless `EFZ_SEED` pins one (`EFZ_SEED=random` asks for one too).
 */
export function selectBudget(env: Readonly<Record<string, string | undefined>>, random: () => number = Math.random): Budget {
  const raw = env['EVENTFUZZ_EXPLORE']?.trim() ?? '';
  const explore = raw !== '' && raw !== '0' && raw.toLowerCase() !== 'false';
  const asked = Number(raw);
  const runs = !explore ? CI_RUNS : Number.isSafeInteger(asked) && asked > 1 ? asked : EXPLORE_RUNS;
  const seedRaw = env['EFZ_SEED']?.trim();
  const randomSeed = (): number => Math.floor(random() * 0x7fffffff);
  const seed =
    seedRaw !== undefined && seedRaw !== '' && seedRaw !== 'random' && Number.isSafeInteger(Number(seedRaw))
      ? Number(seedRaw)
      : explore || seedRaw === 'random'
        ? randomSeed()
        : CI_SEED;
  return { runs, seed, explore };
}
