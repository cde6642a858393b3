import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { FuzzOptions } from '../../api/fuzz.js';
import type { ReplayRemoteOptions } from '../../api/replay.js';
import { DEFAULT_REMOTE_CAPS } from '../../api/fuzz.js';
import { HarnessError } from '../../core/index.js';
import { collect, positiveInt, positiveNumber } from '../parse.js';

/** The flags of `addRemoteAccessOptions`. */
export type RemoteAccessFlags = Omit<RemoteFlags, 'function' | 'qualifier' | 'url' | 'header' | 'maxCost' | 'learnSecrets' | 'timing'>;

/** The `fuzz` flags of a remote target (a deployed Lambda function or an HTTP endpoint). */
export interface RemoteFlags {
  readonly function?: string;
  readonly url?: string;
  readonly header?: Record<string, string>;
  readonly qualifier?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly logs?: 'tail' | 'cloudwatch';
  readonly logsWait?: number;
  readonly maxInvocations: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly maxCost?: number;
  readonly allowProduction?: boolean;
  readonly secretEnv?: string[];
  readonly learnSecrets?: boolean;
  /** `fuzz`'s own flag, which a deployed function's layer honours. */
  readonly allowExec?: boolean;
  /** False with `--no-timing`. */
  readonly timing?: boolean;
}

/** Adds the remote flags to `fuzz`; the caps default on, so a user raises them explicitly. */
export function addRemoteOptions(command: Command): Command {
  return addRemoteAccessOptions(
    addUrlOptions(
      command
        .addOption(new Option('--function <name|arn>', 'fuzz a deployed (staging) Lambda function through the Invoke API instead of a local handler'))
        .addOption(new Option('--qualifier <version|alias>', 'remote: the version or alias to invoke')),
      'fuzz',
    ),
  )
    .addOption(new Option('--max-cost <usd>', "remote: refuse to start when the run's worst-case cost is above this").argParser(positiveNumber))
    .addOption(new Option('--learn-secrets', "remote: also watch the secret-looking values of the function's configured environment"))
    .addOption(
      new Option(
        '--no-timing',
        'remote: skip the sleep-based timing checks for blind command and code injection (tainted findings only) and give the invocations they keep back (60, at most an eighth of --max-invocations) to fuzzing',
      ),
    );
}

/** `--url` and `--header`: an HTTP endpoint to send API Gateway events to (`fuzz`, and `replay` to re-send them). */
export function addUrlOptions(command: Command, verb: 'fuzz' | 'replay on'): Command {
  return command
    .addOption(new Option('--url <url>', `${verb} an HTTP endpoint (an API Gateway stage, a Function URL, an ALB) with API Gateway events sent as real requests`))
    .addOption(new Option('--header <"Name: value">', 'remote (--url): a header sent with every request, e.g. an API key; repeatable').argParser(headerPair));
}

/** The `--url` flags of `replay`, after refusing the flags of a deployed function, which mean nothing for it. */
export function replayUrlOptions(flags: Pick<RemoteFlags, 'url' | 'header'> & RemoteAccessFlags): { readonly url: string | undefined; readonly headers: Record<string, string> | undefined } {
  if (flags.url === undefined) {
    if (flags.header !== undefined) throw new HarnessError('EFZ_USAGE', '--header applies to --url only.');
    return { url: undefined, headers: undefined };
  }
  const lambdaOnly = given(flags, LAMBDA_ONLY);
  if (lambdaOnly.length > 0) throw new HarnessError('EFZ_USAGE', `${lambdaOnly.join(', ')} applies to deployed functions only, not to --url.`);
  return { url: flags.url, headers: flags.header };
}

/** How to reach a deployed function and the limits to keep to: shared by `fuzz --function` and `replay`. */
export function addRemoteAccessOptions(command: Command): Command {
  return command
    .addOption(new Option('--region <region>', "remote: the function's AWS region (default: the SDK's configuration, or the ARN's)"))
    .addOption(new Option('--profile <name>', 'remote: an AWS profile of your shared config files (credentials come from the SDK chain)'))
    .addOption(new Option('--endpoint <url>', 'remote: another Lambda API endpoint (a local emulator); with --logs cloudwatch, CloudWatch Logs is called there too'))
    .addOption(new Option('--logs <source>', "remote (--function): the function's logs: tail (default: the last 4 KB of each invocation's log, in the Invoke answer) or cloudwatch (each invocation's full log from CloudWatch Logs; needs logs:FilterLogEvents, waits seconds per case)").choices(['tail', 'cloudwatch']))
    .addOption(new Option('--logs-wait <ms>', 'remote, --logs cloudwatch: how long to wait for an invocation\'s full log before judging it on the tail (default 10000)').argParser(positiveInt))
    .addOption(new Option('--max-invocations <n>', 'remote: invocations in all, retries included').argParser(positiveInt).default(DEFAULT_REMOTE_CAPS.maxInvocations))
    .addOption(new Option('--rate <per-second>', 'remote: invocations per second at most').argParser(positiveNumber).default(DEFAULT_REMOTE_CAPS.ratePerSecond))
    .addOption(new Option('--concurrency <n>', 'remote: invocations in flight at most').argParser(positiveInt).default(DEFAULT_REMOTE_CAPS.concurrency))
    .addOption(new Option('--allow-production', 'remote: fuzz a target whose name looks like production (refused otherwise)'))
    .addOption(new Option('--secret-env <NAME>', 'remote: a variable of YOUR environment whose value the function must never reveal; repeatable').argParser(collect));
}

/** Flags that only mean something for a local handler, with their names in the help. */
const LOCAL_ONLY = {
  inProcess: '--in-process',
  workers: '--workers',
  instances: '--instances',
  env: '--env',
  secret: '--secret',
  taskRoot: '--task-root',
  writableRoot: '--writable-root',
} as const;

type LocalOnlyFlags = { readonly [K in keyof typeof LOCAL_ONLY]?: unknown };

/** Flags of a deployed function that an HTTP endpoint has no use for. */
const LAMBDA_ONLY = {
  qualifier: '--qualifier',
  region: '--region',
  profile: '--profile',
  endpoint: '--endpoint',
  logs: '--logs',
  logsWait: '--logs-wait',
  maxCost: '--max-cost',
  learnSecrets: '--learn-secrets',
  // Only the in-function probes of `eventfuzz layer` can block or allow a command; an HTTP front carries no
  // client context to tell them.
  allowExec: '--allow-exec',
} as const satisfies Partial<Record<keyof RemoteFlags, string>>;

/** The help names of the flags of `table` that were given. */
function given<T extends object>(flags: T, table: Partial<Record<keyof T, string>>): string[] {
  return (Object.keys(table) as (keyof T)[]).filter((key) => flags[key] !== undefined).map((key) => table[key]!);
}

/** `--logs` and `--logs-wait` on a local run: they read a deployed function's logs, so they would mean nothing there. */
export function refuseLogsFlagsLocally(flags: Pick<RemoteFlags, 'logs' | 'logsWait'>): void {
  const logs = given(flags, { logs: '--logs', logsWait: '--logs-wait' });
  if (logs.length > 0) throw new HarnessError('EFZ_USAGE', `${logs.join(', ')} applies to a deployed function (--function) only, not to a local handler.`);
}

/** Repeatable `--header "Name: value"`. */
function headerPair(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const colon = raw.indexOf(':');
  const name = colon <= 0 ? '' : raw.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new InvalidArgumentError(`expected "Name: value", got "${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}".`);
  return { ...previous, [name]: raw.slice(colon + 1).trim() };
}

/** The campaign options of a remote run, after refusing flags that would silently mean nothing for it. */
export function remoteFuzzOptions(handler: string | undefined, flags: RemoteFlags & LocalOnlyFlags): Partial<FuzzOptions> {
  const option = flags.url === undefined ? '--function' : '--url';
  if (flags.url !== undefined && flags.function !== undefined) throw new HarnessError('EFZ_USAGE', 'Give either --function or --url, not both.');
  if (handler !== undefined) throw new HarnessError('EFZ_USAGE', `Give either a local handler (${handler}) or ${option}, not both.`);
  const local = given(flags, LOCAL_ONLY);
  if (local.length > 0) throw new HarnessError('EFZ_USAGE', `${local.join(', ')} applies to local handlers only, not to ${option}.`);
  const lambdaOnly = given(flags, LAMBDA_ONLY);
  if (flags.url !== undefined && lambdaOnly.length > 0) throw new HarnessError('EFZ_USAGE', `${lambdaOnly.join(', ')} applies to --function only, not to --url.`);
  if (flags.function !== undefined && flags.header !== undefined) throw new HarnessError('EFZ_USAGE', '--header applies to --url only.');
  return {
    url: flags.url,
    headers: flags.header,
    function: flags.function,
    qualifier: flags.qualifier,
    ...remoteAccess(flags),
    maxCost: flags.maxCost,
    learnSecrets: flags.learnSecrets === true,
    allowExec: flags.allowExec === true,
    ...(flags.timing === false ? { timing: false } : {}),
  };
}

/** The options `addRemoteAccessOptions` adds, as `fuzz()` and `replay()` take them. */
export function remoteAccess(flags: RemoteAccessFlags): ReplayRemoteOptions {
  return {
    region: flags.region,
    profile: flags.profile,
    endpoint: flags.endpoint,
    logs: flags.logs,
    logsWaitMs: flags.logsWait,
    maxInvocations: flags.maxInvocations,
    rate: flags.rate,
    concurrency: flags.concurrency,
    allowProduction: flags.allowProduction === true,
    secretEnv: flags.secretEnv,
  };
}
