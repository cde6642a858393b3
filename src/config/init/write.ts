import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EventfuzzConfig, TargetConfig } from '../define-config.js';
import { CONFIG_FILE_NAMES } from '../load-config-file.js';
import { describeIssues } from '../issues.js';
import { configSchema } from '../schema.js';
import { HarnessError } from '../../core/index.js';
import type { Detection, DetectedFunction } from './types.js';

/** The config file `init` writes, relative to the project directory. */
export const CONFIG_FILE = 'eventfuzz.config.json';
/** The GitHub Actions workflow `init` writes, relative to the project directory. */
export const WORKFLOW_FILE = '.github/workflows/eventfuzz.yml';

/**
 * The starter config: one local target per function, a run budget that fits a pull request, one corpus
 * directory per target under `.eventfuzz/corpus`. Checked against the config schema before anything is written,
 * so what `init` writes is what `fuzz` accepts.
 */
export function starterConfig(functions: readonly DetectedFunction[]): EventfuzzConfig {
  const targets: TargetConfig[] = functions.map((fn) => ({
    name: fn.name,
    handler: fn.handler,
    source: fn.source,
    ...(fn.samples !== undefined && fn.samples.length > 0 ? { samples: [...fn.samples] } : {}),
    ...(Object.keys(fn.env).length > 0 ? { env: fn.env } : {}),
  }));
  const config: EventfuzzConfig = { runs: 1000, corpus: '.eventfuzz/corpus', targets };
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) throw new Error(`eventfuzz init built an invalid config: ${describeIssues(parsed.error.issues, config).join('; ')}`);
  return config;
}

/**
 * The pull-request workflow of examples/ci/eventfuzz.yml, over the config's targets: a matrix job per target
 * replays its corpus, fuzzes it on a fixed seed and uploads its SARIF under a category of its own (code
 * scanning keeps one result set per category). A CDK app is synthesized first: cdk.out is build output.
 */
export function starterWorkflow(targets: readonly string[], detections: readonly Detection[]): string {
  const synth = detections.some((d) => d.kind === 'cdk') ? ['      - run: npx cdk synth --quiet # the handlers run from the bundled assets in cdk.out'] : [];
  return [
    '# Written by `eventfuzz init` (eventfuzz must be in devDependencies). On every pull request, for each target of',
    '# eventfuzz.config.json: replay the stored findings (the build fails while one still reproduces), fuzz on a fixed',
    '# seed, upload the SARIF to code scanning and the JUnit with the corpus as an artifact. Commit new corpus entries',
    '# (.eventfuzz/corpus) with the fix that closes them. Add a target to the config and to the matrix below.',
    'name: eventfuzz',
    'on: [pull_request]',
    'permissions:',
    '  contents: read',
    '  security-events: write # upload-sarif',
    'jobs:',
    '  fuzz:',
    '    runs-on: ubuntu-latest',
    '    strategy:',
    '      fail-fast: false',
    '      matrix:',
    `        target: [${targets.map((name) => JSON.stringify(name)).join(', ')}]`,
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@v4',
    '        with: { node-version: 22, cache: npm }',
    '      - run: npm ci',
    ...synth,
    '      - name: Replay the regression corpus',
    '        run: npx eventfuzz replay --target "${{ matrix.target }}" --in-process',
    '      - name: Fuzz',
    '        run: npx eventfuzz fuzz --target "${{ matrix.target }}" --seed 1 --report eventfuzz.sarif --report eventfuzz.xml',
    '      - uses: github/codeql-action/upload-sarif@v3',
    "        if: always() && hashFiles('eventfuzz.sarif') != ''",
    "        with: { sarif_file: eventfuzz.sarif, category: 'eventfuzz-${{ matrix.target }}' }",
    '      - uses: actions/upload-artifact@v4',
    '        if: always()',
    `        with: { name: 'eventfuzz-\${{ matrix.target }}', path: "eventfuzz.*\\n.eventfuzz/corpus" }`,
    '',
  ].join('\n');
}

/** What `writeInitFiles` writes, and where. */
export interface InitFiles {
  readonly projectDir: string;
  readonly config: EventfuzzConfig;
  /** `undefined`: `--no-workflow`. */
  readonly workflow: string | undefined;
  readonly force: boolean;
}

/**
 * Writes the config (and the workflow), every refusal checked before the first write, so a refused init leaves
 * the project as it was. An existing file is replaced only with `force`; a config of another format
 * (`eventfuzz.config.ts`) never is, since two config files make every later run ask which one.
 * @returns the files written, relative to the project directory.
 */
export function writeInitFiles(files: InitFiles): string[] {
  const at = (file: string): string => join(files.projectDir, file);
  const other = CONFIG_FILE_NAMES.filter((name) => name !== CONFIG_FILE && existsSync(at(name)));
  if (other.length > 0) throw new HarnessError('EFZ_USAGE', `${other.join(' and ')} already configures eventfuzz here; init writes ${CONFIG_FILE}, and two config files are ambiguous. Edit it, or remove it and run init again.`);
  const planned: [string, string][] = [[CONFIG_FILE, `${JSON.stringify(files.config, null, 2)}\n`]];
  if (files.workflow !== undefined) planned.push([WORKFLOW_FILE, files.workflow]);
  const existing = planned.map(([file]) => file).filter((file) => existsSync(at(file)));
  if (existing.length > 0 && !files.force) {
    throw new HarnessError('EFZ_USAGE', `${existing.join(' and ')} already ${existing.length > 1 ? 'exist' : 'exists'}; not overwritten. Pass --force to replace ${existing.length > 1 ? 'them' : 'it'}${existing.length === 1 && existing[0] === WORKFLOW_FILE ? ', or --no-workflow to write the config only' : ''}.`);
  }
  for (const [file, text] of planned) {
    mkdirSync(dirname(at(file)), { recursive: true });
    writeFileSync(at(file), text);
  }
  return planned.map(([file]) => file);
}
