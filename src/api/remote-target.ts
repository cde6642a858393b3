import type { WatchedSecret } from '../core/index.js';
import { HarnessError, isHarnessError } from '../core/index.js';
import type { CorpusTarget } from '../corpus/entry.js';
import type { LambdaConfiguration } from '../runners/lambda.js';
import { createLambdaRunner, getLambdaConfiguration } from '../runners/lambda.js';
import type { GuardedRunner, RemoteCaps } from '../runners/remote-guard.js';
import { checkMaxCost, DEFAULT_REMOTE_CAPS, estimateLambdaCost, formatCostLine, guardRemoteRunner, looksLikeProduction } from '../runners/remote-guard.js';
import type { Runner } from '../runners/types.js';
import type { LogsSource } from '../runners/full-log-runner.js';
import { createCloudWatchFullLogs, DEFAULT_LOGS_WAIT_MS } from '../runners/full-log-runner.js';
import { defaultLogGroup } from '../runners/cloudwatch-logs-client.js';
import type { ApigwSource } from '../runners/apigw-request.js';
import { createHttpRunner } from '../runners/http.js';

/** A deployed Lambda function, reached with the Invoke API and the SDK's credential chain. */
export interface LambdaTarget {
  /** Name, or full or partial ARN. */
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  /** Another Invoke API endpoint (a local emulator); CloudWatch Logs is reached there too with `logs: 'cloudwatch'`. */
  readonly endpoint?: string | undefined;
  /** `tail` (default): the Invoke answer's last 4 KB of log; `cloudwatch`: each invocation's full log, by request id. */
  readonly logs?: LogsSource | undefined;
  /** `cloudwatch`: how long to wait for an invocation's log before falling back to the tail (default 10 s). */
  readonly logsWaitMs?: number | undefined;
}

/** An HTTP endpoint in front of the function: an API Gateway stage, a Function URL, an ALB. */
export interface HttpTarget {
  readonly url: string;
  readonly source: ApigwSource;
  /** Sent with every request (an API key, an authorization), never reported. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** What a remote run needs besides the campaign's own options. Exactly one of `lambda` and `http`. */
export interface RemoteTargetOptions {
  readonly lambda?: LambdaTarget | undefined;
  readonly http?: HttpTarget | undefined;
  readonly caps: RemoteCaps;
  /** Per-invocation deadline the user asked for (raised to the function's own timeout plus a margin). */
  readonly timeoutMs: number;
  /** Refuse to start when the worst-case cost is above this many US dollars. */
  readonly maxCostUsd?: number | undefined;
  /** Fuzz a target whose name looks like production (off: refused). */
  readonly allowProduction: boolean;
  /** Environment variables of the user's shell whose values the target must never reveal. */
  readonly secretEnv: readonly string[];
  /** Also watch the secret-looking values of the function's configured environment (GetFunctionConfiguration). */
  readonly learnSecrets: boolean;
  /** Let payload commands run in a function that has eventfuzz's layer attached (its probes block them otherwise). */
  readonly allowExec?: boolean | undefined;
  /** A line for the user before the first invocation (the cost), or about the run (throttling). */
  readonly notice: (line: string) => void;
  /** The run's stop (Ctrl-C, a caller's abort): no wait of the guard (a target's `Retry-After`) outlasts it. */
  readonly signal?: AbortSignal | undefined;
  /** The run's time budget from now, ms: nor does any wait outlast that. */
  readonly durationMs?: number | undefined;
}

/** A started remote target: its guarded runner, what to watch, and how it is named in the corpus. */
export interface RemoteTarget {
  readonly runner: GuardedRunner;
  readonly secrets: readonly WatchedSecret[];
  readonly target: CorpusTarget;
  /** Aborted once the invocation cap is reached: the campaign stops there and reports what it found. */
  readonly exhausted: AbortSignal;
}

/** The caps a run asked for, each defaulting to the guard's (on by default: a user raises them explicitly). */
export function remoteCaps(asked: { readonly maxInvocations?: number | undefined; readonly rate?: number | undefined; readonly concurrency?: number | undefined }): RemoteCaps {
  return {
    maxInvocations: asked.maxInvocations ?? DEFAULT_REMOTE_CAPS.maxInvocations,
    ratePerSecond: asked.rate ?? DEFAULT_REMOTE_CAPS.ratePerSecond,
    concurrency: asked.concurrency ?? DEFAULT_REMOTE_CAPS.concurrency,
  };
}

/** How long past the function's own timeout a call may take before eventfuzz gives up on it (network, cold start). */
const REMOTE_TIMEOUT_MARGIN_MS = 2_000;

/**
 * Checks a remote target before anything is sent (production-looking names refused, the worst case priced and
 * held to `maxCostUsd`), then starts its runner behind the caps. Every refusal is a HarnessError saying what to
 * pass to go on.
 */
export async function startRemoteTarget(options: RemoteTargetOptions): Promise<RemoteTarget> {
  if (options.http !== undefined) return startHttpTarget(options.http, options);
  const lambda = options.lambda;
  if (lambda === undefined) throw new HarnessError('EFZ_USAGE', 'A remote run needs a target: --function NAME or --url URL.');
  refuseProduction([lambda.functionName, lambda.qualifier], options.allowProduction);
  const secrets = secretsFromShell(options.secretEnv);
  const configuration = await readConfiguration(lambda, options);
  if (configuration !== undefined) {
    const estimate = estimateLambdaCost({ memoryMb: configuration.memoryMb, timeoutS: configuration.timeoutS, invocations: options.caps.maxInvocations });
    options.notice(`eventfuzz: ${formatCostLine(estimate)} (caps: --max-invocations ${options.caps.maxInvocations}, --rate ${options.caps.ratePerSecond}/s, --concurrency ${options.caps.concurrency})`);
    if (options.maxCostUsd !== undefined) checkMaxCost(estimate, options.maxCostUsd);
    if (options.learnSecrets) secrets.push(...secretsFromConfiguration(configuration));
  }
  // The function's own timeout bounds a call; past it plus a margin the answer is not coming.
  const timeoutMs = configuration === undefined ? options.timeoutMs : Math.max(options.timeoutMs, configuration.timeoutS * 1000 + REMOTE_TIMEOUT_MARGIN_MS);
  const fullLogs =
    lambda.logs === 'cloudwatch'
      ? createCloudWatchFullLogs({
          ...lambdaTargetFields(lambda),
          // Without lambda:GetFunctionConfiguration the default group is assumed; the probe says so if it is wrong.
          logGroupName: configuration?.logGroup ?? defaultLogGroup(lambda.functionName),
          waitMs: lambda.logsWaitMs ?? DEFAULT_LOGS_WAIT_MS,
          ratePerSecond: options.caps.ratePerSecond,
          notice: options.notice,
        })
      : undefined;
  const runner: Runner = createLambdaRunner({ ...lambdaTargetFields(lambda), timeoutMs, concurrency: options.caps.concurrency, allowExec: options.allowExec, onInvoked: fullLogs?.onInvoked });
  const ref = lambda.qualifier === undefined ? lambda.functionName : `${lambda.functionName}:${lambda.qualifier}`;
  return guardAndStart(runner, { kind: 'lambda', ref }, secrets, options, fullLogs?.wrap);
}

/** An HTTP endpoint: its cost is not ours to know (the front and the function behind it bill apart), the caps hold. */
async function startHttpTarget(http: HttpTarget, options: RemoteTargetOptions): Promise<RemoteTarget> {
  refuseProduction([http.url], options.allowProduction);
  const secrets = secretsFromShell(options.secretEnv);
  if (options.learnSecrets) throw new HarnessError('EFZ_USAGE', '--learn-secrets reads a Lambda function\'s configuration; with --url, name the values with --secret-env.');
  if (options.maxCostUsd !== undefined) throw new HarnessError('EFZ_USAGE', '--max-cost needs the function\'s configuration (--function); an HTTP endpoint\'s cost is not known to eventfuzz.');
  const runner = createHttpRunner({ url: http.url, source: http.source, timeoutMs: options.timeoutMs, concurrency: options.caps.concurrency, headers: http.headers });
  options.notice(`eventfuzz: at most ${options.caps.maxInvocations} requests, ${options.caps.ratePerSecond}/s, ${options.caps.concurrency} in flight (the endpoint's cost is not known to eventfuzz)`);
  // The runner refused a URL carrying credentials: it is safe to store as given.
  return guardAndStart(runner, { kind: 'http', ref: http.url }, secrets, options);
}

async function guardAndStart(runner: Runner, target: CorpusTarget, secrets: readonly WatchedSecret[], options: RemoteTargetOptions, wrap?: (guarded: GuardedRunner) => GuardedRunner): Promise<RemoteTarget> {
  const cap = new AbortController();
  let throttleNoted = false;
  const capped = guardRemoteRunner(runner, options.caps, {
    signal: options.signal,
    // The guard's clock is performance.now(); the budget counts from here, before the run's first invocation.
    deadline: options.durationMs === undefined ? undefined : performance.now() + options.durationMs,
    onExhausted: () => cap.abort(),
    onThrottle: (waitMs) => {
      if (throttleNoted) return;
      throttleNoted = true;
      options.notice(`eventfuzz: the target is throttling; slowing down (next try in ${Math.round(waitMs)} ms). Throttling is never a finding.`);
    },
  });
  const guarded = wrap?.(capped) ?? capped;
  await guarded.start();
  return { runner: guarded, secrets, target, exhausted: cap.signal };
}

function refuseProduction(refs: readonly (string | undefined)[], allowed: boolean): void {
  if (allowed) return;
  for (const ref of refs) {
    const reason = ref === undefined ? undefined : looksLikeProduction(ref);
    if (reason !== undefined) {
      throw new HarnessError('EFZ_USAGE', `Refusing to fuzz "${ref}": it looks like production (${reason}). Fuzz a staging target, or pass --allow-production if this really is meant.`);
    }
  }
}

/** The values of `--secret-env NAME`, read from the user's environment (never typed on the command line). */
function secretsFromShell(names: readonly string[]): WatchedSecret[] {
  return names.map((name) => {
    const value = process.env[name];
    if (value === undefined || value === '') throw new HarnessError('EFZ_USAGE', `--secret-env ${name}: no such variable in your environment (set it, then run again).`);
    return { name, value, kind: 'user-secret' };
  });
}

/**
 * The function's configuration, for the cost line and `--learn-secrets`. Reading it needs
 * lambda:GetFunctionConfiguration; without it the run goes on uncosted, unless a cost limit or learned secrets
 * were asked for, which cannot be honoured blind.
 */
async function readConfiguration(lambda: LambdaTarget, options: RemoteTargetOptions): Promise<LambdaConfiguration | undefined> {
  try {
    return await getLambdaConfiguration(lambdaTargetFields(lambda));
  } catch (error) {
    if (!isHarnessError(error) || error.code !== 'EFZ_REMOTE_ACCESS_DENIED' || options.maxCostUsd !== undefined || options.learnSecrets) throw error;
    options.notice(`eventfuzz: warning: ${error.message} The worst-case cost cannot be shown; the caps still hold.`);
    return undefined;
  }
}

/** Names that say a value is a secret; and values that look like one whatever their name. */
const SECRET_NAME = /secret|token|passw(or)?d|pwd|api[_-]?key|private|credential|auth|dsn|connection|database_url|_key$/i;
const SECRET_LOOKING_VALUE = /^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9+/=_\-.]{20,}$/;
/** Shorter values would match ordinary text in responses (`prod`, `1`, `eu-west-1`). */
const MIN_LEARNED_LENGTH = 8;

/** The configured environment values worth watching: secret by name or by shape, long enough not to match by chance. */
export function secretsFromConfiguration(configuration: Pick<LambdaConfiguration, 'environment'>): WatchedSecret[] {
  const out: WatchedSecret[] = [];
  for (const [name, value] of Object.entries(configuration.environment ?? {})) {
    if (value.length < MIN_LEARNED_LENGTH) continue;
    if (SECRET_NAME.test(name) || SECRET_LOOKING_VALUE.test(value)) out.push({ name, value, kind: 'user-secret' });
  }
  return out;
}

function lambdaTargetFields(lambda: LambdaTarget) {
  return {
    functionName: lambda.functionName,
    ...(lambda.qualifier === undefined ? {} : { qualifier: lambda.qualifier }),
    ...(lambda.region === undefined ? {} : { region: lambda.region }),
    ...(lambda.profile === undefined ? {} : { profile: lambda.profile }),
    ...(lambda.endpoint === undefined ? {} : { endpoint: lambda.endpoint }),
  };
}
