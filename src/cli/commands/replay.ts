import { existsSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { Command, Option } from 'commander';
import { replay } from '../../api/replay.js';
import { HarnessError } from '../../core/index.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { replaySummary } from '../messages.js';
import { collect, envPair, positiveInt } from '../parse.js';
import type { Isolation } from '../../api/fuzz.js';
import type { ConfigFlags } from './config-targets.js';
import { addConfigOptions, configRuns, inTarget } from './config-targets.js';
import { isolationOption } from './isolation-option.js';
import type { RemoteAccessFlags, RemoteFlags } from './remote-options.js';
import { addRemoteAccessOptions, addUrlOptions, remoteAccess, replayUrlOptions } from './remote-options.js';

interface ReplayFlags extends RemoteAccessFlags, Pick<RemoteFlags, 'url' | 'header'> {
  readonly handler?: string;
  readonly timeout: number;
  readonly inProcess?: boolean;
  readonly isolation?: Isolation;
  readonly env?: Record<string, string>;
  readonly secret?: string[];
  readonly allowExec?: boolean;
  readonly writableRoot?: string[];
  readonly taskRoot?: string;
  readonly prune?: boolean;
}

/** `eventfuzz replay <corpus…>`: exit 1 while any stored finding still reproduces (the CI regression gate). */
export function makeReplayCommand(io: CliIo, setExit: (code: number) => void): Command {
  const command = new Command('replay')
    .description('Replay stored findings; exits 1 while any still reproduces')
    .argument('[corpus...]', 'corpus files or directories (e.g. .eventfuzz/corpus); none: each target of the config file replays its corpus')
    .addOption(new Option('--handler <file#export>', 'replay against this handler instead of the one each finding was found on'))
    .addOption(new Option('--timeout <ms>', 'per-invocation deadline').argParser(positiveInt).default(3000))
    .addOption(new Option('--in-process', 'run in this process instead of a worker'))
    .addOption(isolationOption())
    .addOption(new Option('--env <NAME=VALUE>', 'environment variable for the handler; repeatable').argParser(envPair))
    .addOption(new Option('--secret <NAME>', 'an environment variable whose value must never leak; repeatable').argParser(collect))
    .addOption(new Option('--task-root <dir>', "the handler's working directory and LAMBDA_TASK_ROOT (default: its package root, the nearest package.json)"))
    .addOption(new Option('--writable-root <dir>', 'another directory the function may write to (an EFS mount such as /mnt/data): payload-named writes there are no finding; repeatable').argParser(collect))
    .addOption(new Option('--allow-exec', 'let commands that carry a payload really run'))
    .addOption(new Option('--prune', 'delete the entries that no longer reproduce (fixed), keeping the corpus to what still fails'));
  // Entries found on a deployed function go back to it: these say how to reach it, and within which limits.
  return addConfigOptions(addRemoteAccessOptions(addUrlOptions(command, 'replay on'))).action(async (paths: string[], flags: ReplayFlags & ConfigFlags, self: Command) => {
    const fromConfig = paths.length === 0 ? await configRuns(flags, self, io) : undefined;
    if (fromConfig === undefined) {
      if (paths.length === 0) throw new HarnessError('EFZ_USAGE', 'Missing the corpus to replay, e.g. eventfuzz replay .eventfuzz/corpus (or targets in an eventfuzz.config.json: eventfuzz init writes one).');
      if (flags.config !== undefined || flags.target !== undefined) throw new HarnessError('EFZ_USAGE', '--config and --target choose targets of a config file; they do not combine with corpus paths given here.');
      setExit(await replayOnce(paths, flags, io));
      return;
    }
    const lines: string[] = [];
    let code: number = ExitCode.Ok;
    for (const run of fromConfig) {
      const corpus = run.flags['corpus'] as string;
      if (!existsSync(corpus)) {
        lines.push(`target ${run.target.name}: no corpus yet (${relative(io.cwd, corpus) || corpus}), nothing to replay\n`);
        continue;
      }
      io.stdout(`\ntarget "${run.target.name}"\n`);
      // A local or URL target's findings replay on it; a function's go back to the function each was found on.
      const flagsOfTarget = { ...run.flags, handler: run.flags['handler'] ?? run.handler } as unknown as ReplayFlags;
      const result = await inTarget(run.target, () => replayOnce([corpus], flagsOfTarget, io));
      lines.push(`target ${run.target.name}: ${result === ExitCode.Findings ? 'findings still reproduce' : 'nothing reproduces'}\n`);
      if (result === ExitCode.Findings) code = ExitCode.Findings;
    }
    io.stdout(`\n${lines.join('')}`);
    setExit(code);
  });
}

/** Replays `paths` and prints an outcome per entry; the exit code says whether any still reproduces. */
async function replayOnce(paths: readonly string[], flags: ReplayFlags, io: CliIo): Promise<number> {
  const { url, headers } = replayUrlOptions(flags);
  const outcomes = await replay({
    paths,
    handler: flags.handler,
    url,
    timeoutMs: flags.timeout,
    runner: flags.inProcess === true ? 'in-process' : 'isolated',
    isolation: flags.isolation,
    env: flags.env,
    secrets: flags.secret,
    allowExec: flags.allowExec === true,
    writableRoots: flags.writableRoot,
    cwd: io.cwd,
    taskRoot: flags.taskRoot,
    remote: { ...remoteAccess(flags), headers },
  });
  for (const outcome of outcomes) {
    const where = relative(io.cwd, outcome.file) || outcome.file;
    if (outcome.kind === 'seed') {
      io.stdout(`${outcome.reproduces ? 'SEED FAILS' : 'seed ok   '}  ${outcome.seed.name ?? `${outcome.source} event`}  ${where}\n`);
      for (const title of outcome.seen) io.stdout(`            ${title}\n`);
      continue;
    }
    const finding = outcome.entry.finding;
    io.stdout(`${outcome.reproduces ? 'REPRODUCES' : 'fixed     '}  ${finding.oracle} at ${finding.injectionPoint ?? '(no payload)'}  ${where}\n`);
    if (outcome.ran !== undefined) io.stdout(`            ${outcome.ran}\n`);
  }
  const findings = outcomes.filter((o) => o.kind === 'finding');
  const seeds = outcomes.filter((o) => o.kind === 'seed');
  const still = findings.filter((o) => o.reproduces).length;
  const failedSeeds = seeds.filter((o) => o.reproduces).length;
  io.stdout(`\n${replaySummary(still, findings.length, { failed: failedSeeds, total: seeds.length })}\n`);
  // Seeds are written by hand: never pruned.
  if (flags.prune === true) prune(findings.filter((o) => !o.reproduces).map((o) => o.file), io);
  return still + failedSeeds > 0 ? ExitCode.Findings : ExitCode.Ok;
}

/** Deletes the fixed entries, after every entry was replayed: a replay that fails part-way prunes nothing. */
function prune(files: readonly string[], io: CliIo): void {
  for (const file of files) rmSync(file, { force: true });
  io.stdout(files.length === 0 ? 'Nothing to prune.\n' : `Pruned ${files.length === 1 ? '1 fixed entry' : `${files.length} fixed entries`}: ${files.map((f) => relative(io.cwd, f) || f).join(', ')}\n`);
}
