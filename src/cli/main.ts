import { Command, CommanderError } from 'commander';
import type { OutputConfiguration } from 'commander';
import { isHarnessError } from '../core/index.js';
import { VERSION } from '../version.js';
import { makeCorpusCommand } from './commands/corpus.js';
import { makeFuzzCommand } from './commands/fuzz.js';
import { makeGenerateCommand } from './commands/generate.js';
import { makeInitCommand } from './commands/init.js';
import { makeLayerCommand } from './commands/layer.js';
import { makePayloadsCommand } from './commands/payloads.js';
import { makeReplayCommand } from './commands/replay.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

/**
 * The CLI's single error boundary. Commands set `process.exitCode`-like results through their return; a user
 * mistake (bad flag, unknown source, a handler that does not load) is one clear line and exit 2, never a stack.
 * Only a bug in eventfuzz prints a stack (exit 3).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('eventfuzz')
    .description('Find injection bugs in AWS Lambda handlers by fuzzing them with realistic, payload-seeded events')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput(output(io));
  for (const command of [makeFuzzCommand(io, setExit), makeReplayCommand(io, setExit), makeGenerateCommand(io), makePayloadsCommand(io), makeLayerCommand(io), makeInitCommand(io), makeCorpusCommand(io)]) {
    program.addCommand(throughOurOutput(command, io));
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportFatal(error, io);
  }
}

/** A command and its subcommands (`corpus merge`) end through our error path and write where `io` says. */
function throughOurOutput(command: Command, io: CliIo): Command {
  for (const sub of command.commands) throughOurOutput(sub, io);
  return command.exitOverride().configureOutput(output(io)).showHelpAfterError('(run with --help for usage)');
}

/**
 * Where commander writes. Its own errors (an unknown option, a bad value) start with `error: `; every other
 * message of eventfuzz with `eventfuzz: `, so one prefix is what a user and a log filter look for.
 */
function output(io: CliIo): OutputConfiguration {
  return {
    writeOut: io.stdout,
    writeErr: io.stderr,
    outputError: (text, write) => write(text.replace(/^error: /, 'eventfuzz: ')),
  };
}

function reportFatal(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version requests end through the same path with exit code 0; they are not errors. Bare
    // `eventfuzz` also shows the help, but as an error (commander's exit code 1): a script that forgot the
    // command must not pass.
    if (error.exitCode === 0) return ExitCode.Ok;
    return ExitCode.UsageOrConfig; // commander already printed the message
  }
  if (isHarnessError(error)) {
    io.stderr(`eventfuzz: ${error.message}\n`);
    return ExitCode.UsageOrConfig;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`eventfuzz: internal error (a bug in eventfuzz, please report it):\n${stack}\n`);
  return ExitCode.Internal;
}
