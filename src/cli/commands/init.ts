import { Command, Option } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { HarnessError } from '../../core/index.js';
import { detectProject } from '../../config/init/detect.js';
import type { Detection, ProjectKind } from '../../config/init/types.js';
import { starterConfig, starterWorkflow, writeInitFiles } from '../../config/init/write.js';
import type { CliIo } from '../io.js';

interface InitFlags {
  readonly dir?: string;
  readonly force?: boolean;
  readonly workflow: boolean;
}

const KIND_LABEL: Readonly<Record<ProjectKind, string>> = { sam: 'SAM / CloudFormation', serverless: 'Serverless Framework', cdk: 'CDK cloud assembly' };

/**
 * `eventfuzz init`: reads the project's SAM template, serverless.yml or cdk.out, and writes eventfuzz.config.json
 * with a target per Node.js function and a GitHub Actions workflow that replays and fuzzes each one.
 */
export function makeInitCommand(io: CliIo): Command {
  return new Command('init')
    .description('Write eventfuzz.config.json (a target per Lambda function) and a CI workflow, from a SAM template, serverless.yml or cdk.out')
    .addOption(new Option('--dir <dir>', 'the project directory (default: the working directory)'))
    .addOption(new Option('--force', 'replace an existing eventfuzz.config.json and workflow'))
    .addOption(new Option('--no-workflow', 'write the config only, not .github/workflows/eventfuzz.yml'))
    .action((flags: InitFlags) => {
      const projectDir = resolve(io.cwd, flags.dir ?? '.');
      if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) throw new HarnessError('EFZ_USAGE', `--dir ${flags.dir}: not a directory.`);
      const detections = detectProject(projectDir);
      const functions = detections.flatMap((d) => d.functions);
      const lines = detections.flatMap(describe);
      if (functions.length === 0) {
        io.stdout(`${lines.join('\n')}\n`);
        throw new HarnessError('EFZ_USAGE', 'none of these functions can be fuzzed locally (see above); nothing written.');
      }
      const config = starterConfig(functions);
      const written = writeInitFiles({ projectDir, config, workflow: flags.workflow ? starterWorkflow(functions.map((fn) => fn.name), detections) : undefined, force: flags.force === true });
      const one = `npx eventfuzz fuzz --target ${functions[0]!.name} --runs 200`;
      const all = 'npx eventfuzz fuzz';
      io.stdout(
        [
          ...lines,
          '',
          ...written.map((file) => `wrote ${file}`),
          '',
          'Next:',
          `  ${one}   # one target, a short run`,
          `  ${all.padEnd(one.length)}   # every target, as CI does`,
          '',
        ].join('\n'),
      );
    });
}

/** `, samples events/order.json`: which sample events a target was given. */
function sampleNote(samples: readonly string[] | undefined): string {
  return samples === undefined || samples.length === 0 ? '' : `, sample${samples.length === 1 ? '' : 's'} ${samples.join(', ')}`;
}

/** A detection as the user reads it: the file, a line per target, then the notes. */
function describe(detection: Detection): string[] {
  const width = Math.max(0, ...detection.functions.map((fn) => fn.name.length));
  const handlerWidth = Math.max(0, ...detection.functions.map((fn) => fn.handler.length));
  const count = detection.functions.length;
  return [
    `${detection.file} (${KIND_LABEL[detection.kind]}): ${count} Node.js function${count === 1 ? '' : 's'} to fuzz`,
    ...detection.functions.map((fn) => `  ${fn.name.padEnd(width)}  ${fn.handler.padEnd(handlerWidth)}  ${fn.source}${fn.sourceFrom === 'guess' ? ' (guessed)' : ''}${sampleNote(fn.samples)}`),
    ...detection.notes.map((note) => `  note: ${note}`),
  ];
}

