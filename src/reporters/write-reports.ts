import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { FuzzReport } from '../api/report.js';
import { HarnessError } from '../core/index.js';

const FORMATS = { '.json': (report: FuzzReport): string => `${JSON.stringify(report, null, 2)}\n` } as const;

/** Checks report paths before a campaign starts, so a typo does not cost a whole run. */
export function checkReportPaths(files: readonly string[]): void {
  for (const file of files) {
    if (!Object.hasOwn(FORMATS, extname(file))) {
      throw new HarnessError('EFZ_USAGE', `Cannot write report "${file}": the format is chosen by extension and only ${Object.keys(FORMATS).join(', ')} is supported.`);
    }
  }
}

/** Writes each report atomically (temporary file, then rename). */
export function writeReports(files: readonly string[], report: FuzzReport): void {
  for (const file of files) {
    const path = resolve(file);
    mkdirSync(dirname(path), { recursive: true });
    const render = FORMATS[extname(file) as keyof typeof FORMATS];
    writeFileSync(`${path}.tmp`, render(report));
    renameSync(`${path}.tmp`, path);
  }
}
