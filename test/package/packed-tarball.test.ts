// The package as a user gets it: `npm pack`, then the tarball installed into fresh projects outside the
// repository (one ES module project, one CommonJS project), each with its own fast-check, TypeScript and vitest.
// There, the CLI fuzzes a `.ts` handler, the library and the generators run from plain JavaScript, the vitest
// matcher passes and fails as it should, and `tsc --noEmit` accepts code written against the public types.
// Slow (a pack, two installs): run by `npm run test:package` in CI, not by `npm test`.
import type { SpawnSyncReturns } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleSystem } from './project-files.js';
import { projectFiles } from './project-files.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'efz-package-'));
let tarball = '';

/** The environment of a user's shell: none of npm's per-script variables, none of vitest's loader options. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_') && key !== 'npm_config_cache' && key !== 'npm_config_registry') continue;
    if (key === 'NODE_OPTIONS' || key.startsWith('VITEST') || key === 'TEST') continue;
    env[key] = value;
  }
  return env;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 180_000): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: timeoutMs });
  if (result.error !== undefined) throw result.error;
  return result;
}

const describeRun = (result: SpawnSyncReturns<string>): string => `exit ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;

/** The versions this repository tested with, so a warm npm cache serves the user project's install. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

beforeAll(() => {
  // `npm pack` runs `prepare`, which builds dist/: the tarball is what `npm publish` would upload.
  const packed = run('npm', ['pack', '--pack-destination', work, '--json'], ROOT);
  expect(packed.status, describeRun(packed)).toBe(0);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>;
  tarball = join(work, info!.filename);
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds built JavaScript with declarations and the payloads, not the TypeScript sources', () => {
    const listing = run('tar', ['-tzf', tarball], work).stdout.split('\n').filter(Boolean);
    expect(listing).toContain('package/dist/src/index.js');
    expect(listing).toContain('package/dist/src/index.d.ts');
    expect(listing).toContain('package/dist/src/index.d.cts');
    expect(listing).toContain('package/dist/src/cli/launch.js');
    expect(listing.some((file) => file.startsWith('package/payloads/'))).toBe(true);
    expect(listing.filter((file) => /\.ts$/.test(file) && !/\.d\.c?ts$/.test(file))).toEqual([]);
    expect(listing.filter((file) => file.startsWith('package/test/') || file.startsWith('package/src/'))).toEqual([]);
    expect(statSync(tarball).size).toBeLessThan(1024 * 1024);
  });
});

describe.each<ModuleSystem>(['esm', 'cjs'])('installed in a fresh %s project', (system) => {
  const project = join(work, `project-${system}`);

  beforeAll(() => {
    const versions = {
      'fast-check': installedVersion('fast-check'),
      typescript: installedVersion('typescript'),
      vitest: installedVersion('vitest'),
      '@types/node': installedVersion('@types/node'),
      '@types/aws-lambda': installedVersion('@types/aws-lambda'),
    };
    for (const [file, text] of Object.entries(projectFiles(system, versions, tarball))) {
      mkdirSync(dirname(join(project, file)), { recursive: true });
      writeFileSync(join(project, file), text);
    }
    const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
    expect(installed.status, describeRun(installed)).toBe(0);
  }, 240_000);

  it('runs `npx eventfuzz fuzz` on a TypeScript handler: the vulnerable one exits 1, its safe twin 0', () => {
    const vulnerable = run('npx', ['eventfuzz', 'fuzz', 'src/orders.ts', '--source', 'sqs', '--runs', '200', '--seed', '1', '--report', 'report.json'], project);
    expect(vulnerable.status, describeRun(vulnerable)).toBe(1);
    const report = JSON.parse(readFileSync(join(project, 'report.json'), 'utf8')) as { findings: Array<{ oracle: string }> };
    expect(report.findings.map((finding) => finding.oracle)).toContain('command-injection');
    const safe = run('npx', ['eventfuzz', 'fuzz', 'src/safe.ts', '--source', 'sqs', '--runs', '200', '--seed', '1'], project);
    expect(safe.status, describeRun(safe)).toBe(0);
  });

  it('runs the library and the generators from JavaScript, with the project’s own fast-check', () => {
    const result = run('node', [system === 'esm' ? 'api.mjs' : 'api.cjs'], project);
    expect(result.status, describeRun(result)).toBe(0);
    const { findings, events } = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { findings: Array<{ oracle: string; evidence: string }>; events: number };
    expect(findings.map((finding) => finding.oracle)).toContain('command-injection');
    // One bug of each kind, however many instances ran it: a loader artefact in a stack once made every
    // instance's crash a finding of its own.
    expect(findings.length).toBeLessThanOrEqual(4);
    expect(findings.filter((finding) => finding.evidence.includes('data:text/javascript'))).toEqual([]);
    expect(events).toBe(20);
  });

  it('runs the vitest matcher: the safe handler passes, the vulnerable one fails', () => {
    const result = run('npx', ['vitest', 'run', 'orders.test.ts'], project);
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/2 passed/);
  });

  it('type-checks code written against the public types with the project’s tsc', () => {
    const result = run('npx', ['tsc', '--noEmit', '-p', '.'], project);
    expect(result.status, describeRun(result)).toBe(0);
  });

  it('starts from built JavaScript, without TypeScript sources in the installed package', () => {
    const installed = join(project, 'node_modules', 'eventfuzz');
    expect(readdirSync(installed).sort()).toEqual(expect.arrayContaining(['dist', 'package.json', 'payloads']));
    expect(readdirSync(installed)).not.toContain('src');
    const version = run('npx', ['eventfuzz', '--version'], project);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('builds the in-function layer from the built probes', async () => {
    const built = run('npx', ['eventfuzz', 'layer', '--out', 'layer.zip'], project);
    expect(built.status, describeRun(built)).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(join(project, 'layer.zip')));
    expect(Object.keys(zip.files)).toEqual(expect.arrayContaining(['eventfuzz/probes/loader.mjs', 'eventfuzz/probes/child-node/bootstrap.mjs']));
  });
});
