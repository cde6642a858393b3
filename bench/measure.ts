/** One benchmark figure, with its ratio to the baseline measured in the same run. */
export interface BenchRow {
  readonly name: string;
  /** NaN for a row that only compares two others (its ratio): printed blank. */
  readonly perSecond: number;
  readonly ratio: number | undefined;
}

/** Calls `step` repeatedly for about `seconds` (after a short warm-up) and returns calls per second. */
export function measure(name: string, step: () => void, seconds: number, baseline?: BenchRow): BenchRow {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) step();
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 64; i++) step();
    calls += 64;
  }
  const perSecond = calls / ((performance.now() - start) / 1000);
  return { name, perSecond, ratio: baseline === undefined ? undefined : perSecond / baseline.perSecond };
}

/** Async variant: `step` resolves when one unit of work is done. */
export async function measureAsync(name: string, step: () => Promise<void>, seconds: number, baseline?: BenchRow): Promise<BenchRow> {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) await step();
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await step();
    calls++;
  }
  const perSecond = calls / ((performance.now() - start) / 1000);
  return { name, perSecond, ratio: baseline === undefined ? undefined : perSecond / baseline.perSecond };
}

export function formatRows(title: string, rows: readonly BenchRow[]): string {
  const lines = [`\n${title}`, `${'benchmark'.padEnd(56)} ${'per second'.padStart(12)}  ratio`];
  for (const row of rows) {
    const perSecond = Number.isNaN(row.perSecond) ? '' : Math.round(row.perSecond).toLocaleString('en-US');
    lines.push(`${row.name.padEnd(56)} ${perSecond.padStart(12)}  ${row.ratio === undefined ? 'baseline' : `${row.ratio.toFixed(2)}x`}`);
  }
  return lines.join('\n');
}
