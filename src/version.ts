import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

/** The package version, read once from package.json (the single source of truth). */
export const VERSION: string = readVersion();

function readVersion(): string {
  const root = packageRoot();
  if (root === undefined) return '0.0.0-unknown';
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}
