import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../../src/config/load-config-file.js';
import { detectProject } from '../../../../src/config/init/detect.js';
import { CONFIG_FILE, starterConfig, starterWorkflow, WORKFLOW_FILE, writeInitFiles } from '../../../../src/config/init/write.js';
import { project, removeProjects } from './project.js';

afterAll(removeProjects);

/** Detects `dir` and writes what `init` writes, as the command does. */
function init(dir: string, options: { force?: boolean; workflow?: boolean } = {}): string[] {
  const detections = detectProject(dir);
  const functions = detections.flatMap((d) => d.functions);
  return writeInitFiles({
    projectDir: dir,
    config: starterConfig(functions),
    workflow: options.workflow === false ? undefined : starterWorkflow(functions.map((fn) => fn.name), detections),
    force: options.force ?? false,
  });
}

describe('init writes', () => {
  it.each(['sam', 'serverless', 'cdk'] as const)('a %s project: a config the config loader accepts, a target per function with its handler file', async (kind) => {
    const dir = project({}, kind);
    expect(init(dir)).toEqual([CONFIG_FILE, WORKFLOW_FILE]);
    const loaded = await loadConfigFile(CONFIG_FILE, dir);
    expect(loaded.targets.length).toBeGreaterThanOrEqual(3);
    for (const target of loaded.targets) {
      expect(target.kind).toBe('handler');
      expect(existsSync(target.ref.slice(0, target.ref.lastIndexOf('#')))).toBe(true);
      expect(target.options.corpus).toBe(join(dir, '.eventfuzz/corpus', target.name));
    }
  });

  it('the workflow: valid YAML, one matrix job per target, replay then fuzz then SARIF per target; CDK synthesizes first', () => {
    const sam = project({}, 'sam');
    init(sam);
    const workflow = parse(readFileSync(join(sam, WORKFLOW_FILE), 'utf8')) as { on: unknown; jobs: { fuzz: { strategy: { matrix: { target: string[] } }; steps: { run?: string; uses?: string; with?: Record<string, string> }[] } } };
    expect(workflow.on).toEqual(['pull_request']);
    expect(workflow.jobs.fuzz.strategy.matrix.target).toEqual(['CreateOrderFunction', 'ProcessPaymentFunction', 'ThumbnailFunction']);
    const steps = workflow.jobs.fuzz.steps;
    expect(steps.map((step) => step.run ?? step.uses)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'npm ci',
      'npx eventfuzz replay --target "${{ matrix.target }}" --in-process',
      'npx eventfuzz fuzz --target "${{ matrix.target }}" --seed 1 --report eventfuzz.sarif --report eventfuzz.xml',
      'github/codeql-action/upload-sarif@v3',
      'actions/upload-artifact@v4',
    ]);
    expect(steps[5]!.with).toEqual({ sarif_file: 'eventfuzz.sarif', category: 'eventfuzz-${{ matrix.target }}' });
    expect(steps[6]!.with!['path']).toBe('eventfuzz.*\n.eventfuzz/corpus');

    const cdk = project({}, 'cdk');
    init(cdk, { workflow: true });
    expect(readFileSync(join(cdk, WORKFLOW_FILE), 'utf8')).toContain('- run: npx cdk synth --quiet');
  });

  it('never overwrites without --force, and a refusal writes nothing at all', () => {
    const dir = project({ [WORKFLOW_FILE]: 'name: ours\n' }, 'sam');
    expect(() => init(dir)).toThrow('.github/workflows/eventfuzz.yml already exists; not overwritten. Pass --force to replace it, or --no-workflow to write the config only.');
    expect(existsSync(join(dir, CONFIG_FILE))).toBe(false);
    expect(init(dir, { workflow: false })).toEqual([CONFIG_FILE]);
    expect(() => init(dir, { workflow: false })).toThrow('eventfuzz.config.json already exists; not overwritten. Pass --force to replace it.');
    writeFileSync(join(dir, CONFIG_FILE), '{}');
    expect(init(dir, { force: true })).toEqual([CONFIG_FILE, WORKFLOW_FILE]);
    expect(readFileSync(join(dir, WORKFLOW_FILE), 'utf8')).not.toBe('name: ours\n');
    expect(JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8'))).toHaveProperty('targets');
  });

  it('a config in another format is never replaced, not even with --force (two config files are ambiguous)', () => {
    const dir = project({ 'eventfuzz.config.ts': 'export default { targets: [] };\n' }, 'serverless');
    expect(() => init(dir, { force: true })).toThrow(/^eventfuzz\.config\.ts already configures eventfuzz here; init writes eventfuzz\.config\.json/);
    expect(existsSync(join(dir, CONFIG_FILE))).toBe(false);
  });
});

describe('detectProject', () => {
  it('no project file: a usage error listing every file looked for, with a hint for a CDK app not yet synthesized', () => {
    expect(() => detectProject(project({ 'package.json': '{}' }))).toThrow(/: looked for template\.yaml, template\.yml, template\.json, serverless\.yml, serverless\.yaml, cdk\.out\/manifest\.json\.$/);
    expect(() => detectProject(project({ 'cdk.json': '{}' }))).toThrow(/run `npx cdk synth` first/);
  });

  it('a SAM template beside a serverless.yml: both, with target names kept unique', () => {
    const dir = project({
      'template.yaml': 'Resources:\n  api:\n    Type: AWS::Serverless::Function\n    Properties: { Handler: app.handler, Runtime: nodejs20.x }\n',
      'serverless.yml': 'service: s\nfunctions:\n  api: { handler: app.handler }\n',
      'app.js': 'exports.handler = async () => 1;\n',
    });
    expect(detectProject(dir).flatMap((d) => d.functions.map((fn) => `${d.kind}:${fn.name}`))).toEqual(['sam:api', 'serverless:api-2']);
  });

  it('gives each target the events/ samples of its source: the ones naming the function, else all; the rest noted', async () => {
    const sqs = readFileSync(new URL('../../../fixtures/events/sqs/standard.json', import.meta.url), 'utf8');
    const s3 = readFileSync(new URL('../../../fixtures/events/s3/put.sam-cli.json', import.meta.url), 'utf8');
    const rest = readFileSync(new URL('../../../fixtures/events/apigw-rest/proxy.json', import.meta.url), 'utf8');
    const fn = (name: string, events: string): string[] => [`  ${name}:`, '    Type: AWS::Serverless::Function', `    Properties: { Handler: app.handler, Runtime: nodejs22.x, Events: { E: ${events} } }`];
    const dir = project({
      'template.yaml': ['Resources:', ...fn('OrdersFunction', '{ Type: SQS }'), ...fn('RefundsFunction', '{ Type: SQS }'), ...fn('ThumbnailFunction', '{ Type: S3 }'), ''].join('\n'),
      'app.js': 'exports.handler = async () => 1;\n',
      'events/orders-sqs.json': sqs,
      'events/sqs/batch.json': sqs,
      'events/upload.json': s3,
      'events/api.json': rest,
      'events/notes.json': '{ "comment": "not an event" }',
      'events/broken.json': '{',
    });
    const detections = detectProject(dir);
    expect(detections[0]!.functions.map((f) => [f.name, f.samples])).toEqual([
      ['OrdersFunction', ['events/orders-sqs.json']],
      ['RefundsFunction', ['events/orders-sqs.json', 'events/sqs/batch.json']],
      ['ThumbnailFunction', ['events/upload.json']],
    ]);
    expect(detections[0]!.notes).toEqual([
      'events/broken.json: not JSON, not used as a sample',
      'events/notes.json: not an event of a source eventfuzz knows, not used as a sample',
      'events/api.json: a apigw-rest event, and no target has that source; not used as a sample',
    ]);
    // What init writes, fuzz reads: the samples resolve against the config's directory.
    init(dir, { workflow: false });
    const loaded = await loadConfigFile(CONFIG_FILE, dir);
    expect(loaded.targets.find((t) => t.name === 'ThumbnailFunction')?.options.samples).toEqual([join(dir, 'events/upload.json')]);
  });
});
