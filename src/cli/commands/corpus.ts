import { Command, Option } from 'commander';
import { relative, resolve } from 'node:path';
import { mergeCorpora } from '../../api/merge.js';
import type { MergeSummary } from '../../api/merge.js';
import type { CliIo } from '../io.js';

/** `eventfuzz corpus …`: work on corpora themselves, not on a handler. */
export function makeCorpusCommand(io: CliIo): Command {
  const corpus = new Command('corpus').description('Work on corpora: join the corpora of CI shards into one');
  corpus.addCommand(
    new Command('merge')
      .description('Join corpora into --out DIR, one entry per bug (the strongest, smallest case), seeds included; an existing --out is merged into')
      .argument('<dirs...>', 'corpus directories (or entry files) to merge')
      .requiredOption('--out <dir>', 'the merged corpus (created, or merged into when it exists)')
      .addOption(new Option('--json', 'print the summary as JSON'))
      .action((dirs: string[], flags: { out: string; json?: boolean }) => {
        const summary = mergeCorpora(dirs.map((dir) => asTyped(io.cwd, dir)), asTyped(io.cwd, flags.out));
        io.stdout(flags.json === true ? `${JSON.stringify(asJson(summary, io.cwd), null, 2)}\n` : describe(summary, io.cwd));
      }),
  );
  return corpus;
}

function describe(summary: MergeSummary, cwd: string): string {
  const { findings, seeds } = summary;
  const lines = [
    `merged ${count(summary.inputs.length, 'corpus', 'corpora')} into ${shown(summary.out, cwd)}${summary.intoExisting ? ' (with what it held)' : ''}: ${count(findings.kept, 'finding')} (${findings.duplicates} duplicate${findings.duplicates === 1 ? '' : 's'} of ${findings.read} read), ${count(seeds.kept, 'seed')} (${seeds.duplicates} duplicate${seeds.duplicates === 1 ? '' : 's'})`,
    summary.written.length === 0 && summary.removed.length === 0 ? '  nothing changed: the merged corpus was already up to date' : `  ${summary.written.length} file${summary.written.length === 1 ? '' : 's'} written, ${summary.removed.length} duplicate${summary.removed.length === 1 ? '' : 's'} removed`,
  ];
  return `${lines.join('\n')}\n`;
}

function asJson(summary: MergeSummary, cwd: string): object {
  return { ...summary, out: shown(summary.out, cwd), inputs: summary.inputs.map((input) => shown(input, cwd)) };
}

function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** A path as the user typed it when the CLI runs where they are (messages then name it their way), else absolute. */
function asTyped(cwd: string, path: string): string {
  return resolve(cwd) === process.cwd() ? path : resolve(cwd, path);
}

function shown(path: string, cwd: string): string {
  return relative(cwd, path) || '.';
}
