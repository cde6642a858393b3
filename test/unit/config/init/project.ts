import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A fixture project of test/fixtures/init, as an absolute path (read only: detectors never write). */
export const initFixture = (name: 'sam' | 'serverless' | 'cdk'): string => fileURLToPath(new URL(`../../../fixtures/init/${name}`, import.meta.url));

const dirs: string[] = [];

/** A temporary project holding `files` (path → text), optionally on top of a copy of a fixture. */
export function project(files: Record<string, string>, from?: 'sam' | 'serverless' | 'cdk'): string {
  const dir = mkdtempSync(join(tmpdir(), 'efz-init-unit-'));
  dirs.push(dir);
  if (from !== undefined) cpSync(initFixture(from), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Removes the projects `project()` made (call in afterAll). */
export function removeProjects(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
