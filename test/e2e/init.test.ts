import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, killSpawned, messageLines, runCli, spawnCli, tempDir } from './helpers.js';

/** A copy of a fixture project of test/fixtures/init, where init may write. */
function copyOf(fixture: 'sam' | 'serverless' | 'cdk'): string {
  const dir = tempDir(`efz-init-${fixture}-`);
  cpSync(fileURLToPath(new URL(`../fixtures/init/${fixture}`, import.meta.url)), dir, { recursive: true });
  return dir;
}

describe('eventfuzz init', () => {
  afterEach(killSpawned);
  afterAll(cleanTempDirs);

  it('in a SAM app: prints the functions and notes, writes the config and workflow; fuzz runs every written target', async () => {
    const dir = copyOf('sam');
    const init = await runCli(['init', '--dir', dir]);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const lines = init.stdout.split('\n');
    expect(lines[0]).toBe('template.yaml (SAM / CloudFormation): 3 Node.js functions to fuzz');
    expect(lines).toContain('  CreateOrderFunction     src/handlers/create-order.ts#handler      apigw-rest');
    expect(lines).toContain('  note: ReportsFunction: skipped, runtime python3.12 (eventfuzz fuzzes Node.js handlers)');
    // The project's own sample event (SAM's events/ convention) goes to the target of its source, and is used.
    expect(lines.find((line) => line.startsWith('  ProcessPaymentFunction'))).toMatch(/ sqs, sample events\/process-payment\.json$/);
    expect(lines).toContain('wrote eventfuzz.config.json');
    expect(lines).toContain('wrote .github/workflows/eventfuzz.yml');
    expect(readFileSync(join(dir, '.github/workflows/eventfuzz.yml'), 'utf8')).toContain('target: ["CreateOrderFunction", "ProcessPaymentFunction", "ThumbnailFunction"]');

    // The written config, as the real binary reads it: every target loads and runs (findings or none, never exit 2).
    const fuzz = spawnCli(['fuzz', '--config', join(dir, 'eventfuzz.config.json'), '--runs', '30', '--seed', '1']);
    const { code } = await fuzz.exited;
    expect(fuzz.stdout()).toMatch(/^target CreateOrderFunction {5}\d+ findings? in 30 runs$/m);
    expect(fuzz.stdout()).toMatch(/^target ProcessPaymentFunction {2}\d+ findings? in 30 runs$/m);
    expect(fuzz.stdout()).toMatch(/^target ThumbnailFunction {7}\d+ findings? in 30 runs$/m);
    expect([0, 1], fuzz.stderr()).toContain(code);
  }, 120_000);

  it('in a serverless service: fuzz --target runs one written target', async () => {
    const dir = copyOf('serverless');
    expect((await runCli(['init', '--dir', dir, '--no-workflow'])).code).toBe(0);
    const fuzz = spawnCli(['fuzz', '--config', join(dir, 'eventfuzz.config.json'), '--target', 'orderCreated', '--runs', '50', '--seed', '1']);
    const { code } = await fuzz.exited;
    expect(fuzz.stdout()).toMatch(/^target orderCreated {2}0 findings in 50 runs$/m);
    expect(code).toBe(0);
  }, 60_000);

  it('refuses to overwrite (exit 2) until --force; no project file is exit 2 naming the files looked for', async () => {
    const dir = copyOf('cdk');
    expect((await runCli(['init', '--dir', dir])).code).toBe(0);
    const again = await runCli(['init', '--dir', dir]);
    expect(messageLines(again.stderr)).toEqual(['eventfuzz: eventfuzz.config.json and .github/workflows/eventfuzz.yml already exist; not overwritten. Pass --force to replace them.']);
    expect(again.code).toBe(2);
    expect((await runCli(['init', '--dir', dir, '--force'])).code).toBe(0);

    const empty = await runCli(['init', '--dir', tempDir('efz-init-empty-')]);
    expect(empty.stderr).toMatch(/^eventfuzz: No SAM, serverless or CDK project in .*: looked for template\.yaml, template\.yml, template\.json, serverless\.yml, serverless\.yaml, cdk\.out\/manifest\.json\.\n$/);
    expect(empty.code).toBe(2);
    const missing = await runCli(['init', '--dir', join(dir, 'nope')]);
    expect(missing.stderr).toBe(`eventfuzz: --dir ${join(dir, 'nope')}: not a directory.\n`);
    expect(missing.code).toBe(2);
  }, 30_000);
});
