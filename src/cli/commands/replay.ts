import { relative } from 'node:path';
import { Command, Option } from 'commander';
import { replay } from '../../api/replay.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { replaySummary } from '../messages.js';
import { collect, envPair, positiveInt } from '../parse.js';
import type { Isolation } from '../../api/fuzz.js';
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
}

/** `eventfuzz replay <corpus…>`: exit 1 while any stored finding still reproduces (the CI regression gate). */
export function makeReplayCommand(io: CliIo, setExit: (code: number) => void): Command {
  const command = new Command('replay')
    .description('Replay stored findings; exits 1 while any still reproduces')
    .argument('<corpus...>', 'corpus files or directories (e.g. .eventfuzz/corpus)')
    .addOption(new Option('--handler <file#export>', 'replay against this handler instead of the one each finding was found on'))
    .addOption(new Option('--timeout <ms>', 'per-invocation deadline').argParser(positiveInt).default(3000))
    .addOption(new Option('--in-process', 'run in this process instead of a worker'))
    .addOption(isolationOption())
    .addOption(new Option('--env <NAME=VALUE>', 'environment variable for the handler; repeatable').argParser(envPair))
    .addOption(new Option('--secret <NAME>', 'an environment variable whose value must never leak; repeatable').argParser(collect))
    .addOption(new Option('--task-root <dir>', "the handler's working directory and LAMBDA_TASK_ROOT (default: its package root, the nearest package.json)"))
    .addOption(new Option('--writable-root <dir>', 'another directory the function may write to (an EFS mount such as /mnt/data): payload-named writes there are no finding; repeatable').argParser(collect))
    .addOption(new Option('--allow-exec', 'let commands that carry a payload really run'));
  // Entries found on a deployed function go back to it: these say how to reach it, and within which limits.
  return addRemoteAccessOptions(addUrlOptions(command, 'replay on')).action(async (paths: string[], flags: ReplayFlags) => {
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
        const finding = outcome.entry.finding;
        io.stdout(`${outcome.reproduces ? 'REPRODUCES' : 'fixed     '}  ${finding.oracle} at ${finding.injectionPoint ?? '(no payload)'}  ${where}\n`);
        if (outcome.ran !== undefined) io.stdout(`            ${outcome.ran}\n`);
      }
      const still = outcomes.filter((o) => o.reproduces).length;
      io.stdout(`\n${replaySummary(still, outcomes.length)}\n`);
      setExit(still > 0 ? ExitCode.Findings : ExitCode.Ok);
    });
}
