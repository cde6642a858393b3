/**
 * Side-by-side throughput of several ways to do the same thing (a bare client loop and eventfuzz's path through it),
 * in the same run, for the remote benches. Each path is warmed up, then measured in rounds whose order rotates, so a
 * slow moment of a shared machine, a collection or heap growth does not always fall on the same path; figures are
 * medians over the rounds.
 */

/** One unit of work: resolves when one invocation is done (`i`: how many this loop completed before). */
export type Step = (i: number) => Promise<void>;

export interface PathFigures {
  /** Completed steps per second (all loops together), median over the rounds. */
  readonly perSecond: number;
  /**
   * CPU time of this process per step, µs, median over the rounds. Less disturbed than the rate by other processes on
   * a shared machine; includes whatever else runs in this process (a local test server does).
   */
  readonly cpuMicros: number;
}

export interface CompareOptions {
  readonly concurrency: number;
  readonly rounds: number;
  /** Length of one round of one path. */
  readonly roundMs: number;
  readonly warmupMs: number;
}

/** Runs `concurrency` loops of `step` for `ms`: completed steps and CPU µs per step. */
async function measureRound(step: Step, concurrency: number, ms: number): Promise<{ readonly perSecond: number; readonly cpuMicros: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const until = start + ms;
  const loop = async (): Promise<number> => {
    let done = 0;
    while (performance.now() < until) {
      await step(done);
      done++;
    }
    return done;
  };
  const counts = await Promise.all(Array.from({ length: concurrency }, loop));
  const total = counts.reduce((a, b) => a + b, 0);
  const used = process.cpuUsage(cpu);
  return { perSecond: total / ((performance.now() - start) / 1000), cpuMicros: (used.user + used.system) / Math.max(1, total) };
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Measures every path of `paths` (names in order) as described above. */
export async function comparePaths(paths: Readonly<Record<string, Step>>, options: CompareOptions): Promise<Record<string, PathFigures>> {
  const names = Object.keys(paths);
  for (const name of names) await measureRound(paths[name]!, options.concurrency, options.warmupMs);
  const rates = new Map<string, number[]>(names.map((name) => [name, []]));
  const cpus = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      const figures = await measureRound(paths[name]!, options.concurrency, options.roundMs);
      rates.get(name)!.push(figures.perSecond);
      cpus.get(name)!.push(figures.cpuMicros);
    }
  }
  return Object.fromEntries(names.map((name) => [name, { perSecond: median(rates.get(name)!), cpuMicros: median(cpus.get(name)!) }]));
}

/**
 * The table both remote benches print: per path its rate and its CPU per step, each relative to the first (baseline)
 * path as time per invocation (`1.00x` is no overhead; the budget is 1.10x). On a machine other work shares,
 * the CPU ratio is the steadier of the two: the rate also moves with whatever else the cores are doing.
 */
export function formatComparison(title: string, byConcurrency: ReadonlyMap<number, Record<string, PathFigures>>): string {
  const header = `${'concurrency'.padEnd(12)} ${'path'.padEnd(24)} ${'per second'.padStart(11)} ${'time/inv'.padStart(9)} ${'CPU µs'.padStart(8)} ${'CPU/inv'.padStart(8)}`;
  const lines = [`\n${title}`, header];
  for (const [concurrency, figures] of byConcurrency) {
    const entries = Object.entries(figures);
    const baseline = entries[0]![1];
    for (const [name, f] of entries) {
      const rate = f === baseline ? 'baseline' : `${(baseline.perSecond / f.perSecond).toFixed(2)}x`;
      const cpu = f === baseline ? 'baseline' : `${(f.cpuMicros / baseline.cpuMicros).toFixed(2)}x`;
      lines.push(`${String(concurrency).padEnd(12)} ${name.padEnd(24)} ${Math.round(f.perSecond).toLocaleString('en-US').padStart(11)} ${rate.padStart(9)} ${f.cpuMicros.toFixed(0).padStart(8)} ${cpu.padStart(8)}`);
    }
  }
  return lines.join('\n');
}
