/**
 * Startup: wall time of `eventfuzz --help`, the built package (what users install) beside the repository's sources
 * (compiled twin, see compiled-sources.mjs) and `npx` (what users type), against bare `node` started in the same
 * run. Medians over several starts, one at a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median } from './compare.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STARTS = 7;

function startMs(command: string, args: readonly string[]): number {
  const times: number[] = [];
  for (let i = 0; i < STARTS + 1; i++) {
    const start = performance.now();
    const result = spawnSync(command, args, { cwd: ROOT, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
    if (i > 0) times.push(performance.now() - start); // the first start warms the disk cache
  }
  return median(times);
}

export function benchStartup(): string {
  if (!existsSync(new URL('../dist/src/cli/launch.js', import.meta.url))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const rows: Array<[string, number]> = [
    ['node -e "" (baseline)', startMs(process.execPath, ['-e', ''])],
    ['eventfuzz --help, built package (dist/)', startMs(process.execPath, ['dist/src/cli/launch.js', '--help'])],
    ['eventfuzz --help, repository sources', startMs(process.execPath, ['src/cli/launch.js', '--help'])],
    ['npx eventfuzz --help', startMs('npx', ['eventfuzz', '--help'])],
  ];
  const baseline = rows[0]![1];
  const lines = [`\nStartup, median of ${STARTS} starts`, `${'benchmark'.padEnd(56)} ${'ms'.padStart(12)}  ratio`];
  for (const [name, ms] of rows) lines.push(`${name.padEnd(56)} ${ms.toFixed(0).padStart(12)}  ${ms === baseline ? 'baseline' : `${(ms / baseline).toFixed(2)}x`}`);
  return lines.join('\n');
}
