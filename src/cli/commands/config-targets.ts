import type { Command } from 'commander';
import { Option } from 'commander';
import type { ResolvedTarget } from '../../config/load-config-file.js';
import { displayPath, findConfigFile, loadConfigFile } from '../../config/load-config-file.js';
import { HarnessError } from '../../core/index.js';
import type { CliIo } from '../io.js';

/** `--config FILE` and `--target NAME`, shared by `fuzz` and `replay`. */
export function addConfigOptions(command: Command): Command {
  return command
    .addOption(new Option('--config <file>', 'the config file of the targets to run when none is given on the command line (default: eventfuzz.config.{json,mjs,ts} here)'))
    .addOption(new Option('--target <name>', 'with a config file: run only this target; repeatable or a comma list').argParser(names));
}

export interface ConfigFlags {
  readonly config?: string;
  readonly target?: string[];
}

/** A target of the config file, as the command's own flags and the handler argument. */
export interface ConfigRun {
  readonly target: ResolvedTarget;
  /** `file[#export]` relative to the working directory when below it (how corpus entries then record it). */
  readonly handler: string | undefined;
  readonly flags: Record<string, unknown>;
}

/**
 * The targets to run: those of `--config` or the working directory's config file, narrowed by `--target`, each as
 * the command's flags: the command's defaults, then the config's values, then the flags given on the command line.
 * `undefined` when there is no config file (and none was asked for).
 */
export async function configRuns(flags: ConfigFlags & object, command: Command, io: CliIo): Promise<ConfigRun[] | undefined> {
  const file = flags.config ?? findConfigFile(io.cwd);
  if (file === undefined) {
    if (flags.target !== undefined) throw new HarnessError('EFZ_USAGE', '--target picks targets of a config file, and there is none here (eventfuzz init writes one; or give --config FILE).');
    return undefined;
  }
  const config = await loadConfigFile(file, io.cwd);
  const known = config.targets.map((target) => target.name);
  const unknown = (flags.target ?? []).filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new HarnessError('EFZ_USAGE', `No target named ${unknown.map((name) => `"${name}"`).join(', ')} in ${displayPath(config.file, io.cwd)}. Its targets: ${known.join(', ')}.`);
  const picked = flags.target === undefined ? config.targets : config.targets.filter((target) => flags.target!.includes(target.name));
  const fromCli = Object.fromEntries(Object.entries(flags).filter(([key]) => key !== 'config' && key !== 'target' && ['cli', 'env'].includes(command.getOptionValueSource(key) ?? '')));
  return picked.map((target) => ({
    target,
    handler: target.kind === 'handler' ? displayPath(target.ref, io.cwd) : undefined,
    flags: { ...withoutUndefined(flags), ...asFlags(target), ...fromCli },
  }));
}

/** A target's options under the names of the command's flags (`samples` is `--sample`, …). */
function asFlags(target: ResolvedTarget): Record<string, unknown> {
  const { samples, secrets, reports, categories, oracles, writableRoots, headers, ...same } = target.options;
  return withoutUndefined({
    ...same,
    sample: samples,
    secret: secrets,
    report: reports,
    category: categories,
    oracle: oracles,
    writableRoot: writableRoots,
    header: headers,
    ...(target.kind === 'function' ? { function: target.ref, qualifier: target.qualifier } : {}),
    ...(target.kind === 'url' ? { url: target.ref } : {}),
  });
}

function withoutUndefined(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** Repeatable `--target a --target b` and `--target a,b`. */
function names(raw: string, previous: string[] = []): string[] {
  return [...previous, ...raw.split(',').map((name) => name.trim()).filter((name) => name !== '')];
}

/** Runs `work` with its usage errors naming the target, so the user finds it in the config. */
export function inTarget<T>(target: ResolvedTarget, work: () => T): T {
  const named = (error: unknown): never => {
    if (error instanceof HarnessError) throw new HarnessError(error.code, `target "${target.name}": ${error.message}`);
    throw error;
  };
  try {
    const result = work();
    return (result instanceof Promise ? result.catch(named) : result) as T;
  } catch (error) {
    return named(error);
  }
}
