import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FuzzReport } from '../../../src/api/report.js';
import { HarnessError } from '../../../src/core/index.js';
import { checkReportPaths, ensureWritableDirectory, writeReports } from '../../../src/reporters/write-reports.js';
import { cleanTempDirs, tempDir } from '../../e2e/helpers.js';

afterAll(cleanTempDirs);

const REPORT = { tool: { name: 'eventfuzz', version: '0.0.0' }, seed: 1, findings: [] } as unknown as FuzzReport;

/** The HarnessError `run` throws (a plain Error or no error fails the test). */
function usageError(run: () => void): HarnessError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('EFZ_USAGE');
    return error as HarnessError;
  }
  throw new Error('expected a HarnessError, nothing was thrown');
}

describe('checkReportPaths: an unwritable report is refused before the campaign', () => {
  it('a path that is a directory', () => {
    const dir = tempDir('efz-report-');
    mkdirSync(join(dir, 'out.json'));
    expect(usageError(() => checkReportPaths([join(dir, 'out.json')])).message).toMatch(/^Cannot write report ".*out\.json": it is a directory\.$/);
  });

  it('a parent that is a file', () => {
    const dir = tempDir('efz-report-');
    writeFileSync(join(dir, 'file'), '');
    expect(usageError(() => checkReportPaths([join(dir, 'file', 'sub', 'out.json')])).message).toMatch(/Cannot write report ".*out\.json": .*file is not a directory/);
  });

  it('a directory that cannot be created (/proc), without hanging', () => {
    // Node 20's recursive mkdirSync spins forever here; the check must fail fast instead (even as root).
    expect(usageError(() => checkReportPaths(['/proc/efz-nope/x.json'])).message).toMatch(/^Cannot write report "\/proc\/efz-nope\/x\.json": /);
    expect(existsSync('/proc/efz-nope')).toBe(false);
  });

  it('missing directories below a writable one are created, and the report is then written', () => {
    const dir = tempDir('efz-report-');
    const file = join(dir, 'a', 'b', 'out.json');
    checkReportPaths([file]);
    expect(statSync(join(dir, 'a', 'b')).isDirectory()).toBe(true);
    writeReports([file], REPORT);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(REPORT);
  });
});

describe('writeReports', () => {
  it('a write failure is a HarnessError naming the report, not an internal error', () => {
    const dir = tempDir('efz-report-');
    writeFileSync(join(dir, 'file'), '');
    expect(usageError(() => writeReports([join(dir, 'file', 'out.json')], REPORT)).message).toMatch(/Cannot write report ".*out\.json"/);
    const target = join(dir, 'became-a-dir.json');
    mkdirSync(target); // e.g. replaced while the campaign ran
    expect(usageError(() => writeReports([target], REPORT)).message).toMatch(/it is a directory/);
  });

  it('uses a temporary name of its own, so another run writing the same report does not collide', () => {
    const dir = tempDir('efz-report-');
    const file = join(dir, 'out.json');
    mkdirSync(`${file}.tmp`); // what a fixed temporary name would trip over
    writeReports([file], REPORT);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(REPORT);
    expect(readdirSync(dir).sort()).toEqual(['out.json', 'out.json.tmp']); // nothing of its own left behind
  });
});

describe('ensureWritableDirectory with create: false (the --corpus check)', () => {
  it('proves a missing directory can be created without leaving anything behind', () => {
    const dir = tempDir('efz-corpus-');
    expect(ensureWritableDirectory(join(dir, 'a', 'b'), { create: false })).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
    expect(ensureWritableDirectory('/proc/efz-nope/corpus', { create: false })).toMatch(/cannot create \/proc\/efz-nope/);
    writeFileSync(join(dir, 'file'), '');
    expect(ensureWritableDirectory(join(dir, 'file'), { create: false })).toMatch(/file is not a directory/);
  });
});
