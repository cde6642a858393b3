import { detectSource } from '../../generators/sample/index.js';

/** `1 worker`, `2 workers`, `0 findings`. */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}

/**
 * A one-line warning when a `--sample` file holds an event of another source than `--source` says: the run still
 * uses `--source`, but a wrong flag would otherwise silently fuzz the wrong fields. Events that match no known
 * source (custom events) are not warned about. Only each file's first event is looked at, as the source
 * detection itself does.
 */
export function sourceMismatchWarnings(source: string | undefined, samples: ReadonlyArray<{ readonly file: string; readonly events: readonly unknown[] }>): string[] {
  if (source === undefined) return [];
  const warnings: string[] = [];
  for (const { file, events } of samples) {
    const detected = detectSource(events[0]);
    if (detected !== undefined && detected !== source) warnings.push(`eventfuzz: warning: --sample ${file} looks like a ${detected} event, not ${source}\n`);
  }
  return warnings;
}

/**
 * The last line of `replay`. The "<still> of <total> stored finding(s)" prefix stays as it was (scripts and tests
 * look for it); the noun agrees with the total, the verb with the nearest noun: "0 of 1 stored finding still
 * reproduces", "0 of 3 stored findings still reproduce", "1 of 3 stored findings still reproduces".
 */
export function replaySummary(still: number, total: number): string {
  const verb = still === 1 || total === 1 ? 'reproduces' : 'reproduce';
  return `${still} of ${plural(total, 'stored finding')} still ${verb}.`;
}
