import { detectSource } from '../../generators/sample/index.js';
import { HarnessError } from '../core/index.js';

/** `1 worker`, `2 workers`, `0 findings`. */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}

/**
 * Refuses a `--sample` event of another source than `--source` says: built on the wrong source, the run would
 * fuzz fields the handler never receives and report a clean bill of health. Without `--source` the sample's own
 * shape decides, so leaving the flag out is the way to fuzz it. Events that match no known source (custom
 * events) pass.
 */
export function checkSampleSources(source: string | undefined, samples: ReadonlyArray<{ readonly file: string; readonly events: readonly unknown[] }>): void {
  if (source === undefined) return;
  for (const { file, events } of samples) {
    for (const [index, event] of events.entries()) {
      const detected = detectSource(event);
      if (detected === undefined || detected === source) continue;
      const which = events.length === 1 ? '' : ` (event [${index}])`;
      throw new HarnessError(
        'EFZ_SAMPLE_INVALID',
        `--sample ${file}${which} is a ${detected} event, not ${source}: give a ${source} sample, or leave out --source and eventfuzz fuzzes it as ${detected}.`,
      );
    }
  }
}

/**
 * The last line of `replay`. The "<still> of <total> stored finding(s)" prefix stays as it was (scripts and tests
 * look for it); the noun agrees with the total, the verb with the nearest noun: "0 of 1 stored finding still
 * reproduces", "0 of 3 stored findings still reproduce", "1 of 3 stored findings still reproduces".
 */
export function replaySummary(still: number, total: number, seeds: { readonly failed: number; readonly total: number } = { failed: 0, total: 0 }): string {
  const verb = still === 1 || total === 1 ? 'reproduces' : 'reproduce';
  const findings = `${still} of ${plural(total, 'stored finding')} still ${verb}`;
  if (seeds.total === 0) return `${findings}.`;
  const seedLine = `${seeds.failed} of ${plural(seeds.total, 'seed event')} ${seeds.failed === 1 || seeds.total === 1 ? 'shows' : 'show'} a finding`;
  return total === 0 ? `${seedLine}.` : `${findings}; ${seedLine}.`;
}
