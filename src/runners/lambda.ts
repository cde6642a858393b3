import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Observation } from '../core/observation.js';
import type { InvokedRequest } from './full-log-runner.js';
import type { LambdaTargetRef } from './lambda-sdk-errors.js';
import type { Invocation, Runner } from './types.js';
import { randomUUID } from 'node:crypto';
import { HarnessError } from '../core/errors.js';
import { layerClientContext, readLayerAnswer } from '../layer/protocol.js';
import { safeClearTimeout, safeDateNow, safePerformanceNow, safeSetTimeout, safeStringify } from '../core/safe-globals.js';
import { lazyAwsSdk } from './aws-sdk.js';
import { mapInvokeResult } from './lambda-invoke-result.js';
import { harnessErrorOf, transportErrorOf } from './lambda-sdk-errors.js';

/** Where the function lives and how to reach it; shared by the runner and `getLambdaConfiguration`. */
export interface LambdaTargetOptions {
  /** Function name, full or partial ARN (a full ARN also gives the region when `region` is unset). */
  readonly functionName: string;
  /** Version or alias. */
  readonly qualifier?: string;
  readonly region?: string;
  /** A profile of the shared AWS config/credentials files, resolved by the SDK's own chain. */
  readonly profile?: string;
  /** Another Invoke API endpoint (a local emulator in tests). */
  readonly endpoint?: string;
  /** A client to use instead of one built from the options above (tests, callers with their own config). */
  readonly client?: LambdaClient;
}

export interface LambdaRunnerOptions extends LambdaTargetOptions {
  /** Client-side bound on one Invoke call; past it the outcome is `timeout` with this limit. */
  readonly timeoutMs: number;
  /** Invocations in flight at most (the runner's parallelism); rate limits are the guard's job. */
  readonly concurrency: number;
  /** Called with each observation Lambda answered and its request id (`--logs cloudwatch` reads the full log by it). */
  readonly onInvoked?: ((observation: Observation, request: InvokedRequest) => void) | undefined;
  /** Asks the function's in-function probes (`eventfuzz layer`), where attached, to let payload commands run. */
  readonly allowExec?: boolean | undefined;
}

/** What GetFunctionConfiguration says about the function, for the cost estimate and `--learn-secrets`. */
export interface LambdaConfiguration {
  readonly memoryMb: number;
  readonly timeoutS: number;
  readonly environment: Record<string, string> | undefined;
  readonly functionArn: string;
  /** LoggingConfig.LogGroup: where the function logs (`/aws/lambda/<name>` unless configured otherwise). */
  readonly logGroup: string | undefined;
}

type Sdk = typeof import('@aws-sdk/client-lambda');

const loadSdk = lazyAwsSdk<Sdk>(() => import('@aws-sdk/client-lambda'), 'The "lambda" runner needs @aws-sdk/client-lambda: npm i @aws-sdk/client-lambda');

/** The region a full ARN names (`arn:aws:lambda:eu-west-1:…`), so `--function <arn>` needs no `--region`. */
function regionOf(options: LambdaTargetOptions): string | undefined {
  return options.region ?? /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):/.exec(options.functionName)?.[1];
}

function targetRef(options: LambdaTargetOptions): LambdaTargetRef {
  return { functionName: options.functionName, qualifier: options.qualifier, region: regionOf(options) };
}

async function buildClient(options: LambdaTargetOptions, maxSockets: number): Promise<LambdaClient> {
  const { LambdaClient: Client } = await loadSdk();
  const region = regionOf(options);
  return new Client({
    // One attempt: the guard retries throttling with its own backoff, and an SDK retry would double-invoke.
    maxAttempts: 1,
    ...(region === undefined ? {} : { region }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    requestHandler: { httpAgent: { maxSockets }, httpsAgent: { maxSockets } },
  });
}

/**
 * The SDK's own cancellation signal (`aborted` and `onabort`, which its HTTP handler calls), instead of an
 * `AbortController`: a platform AbortSignal's event-listener bookkeeping cost about as much client CPU per Invoke
 * as the rest of the runner together (bench/remote-lambda.ts), for a deadline that almost never fires.
 */
function createDeadlineSignal(): { readonly signal: { aborted: boolean; onabort: (() => void) | null }; readonly abort: () => void } {
  const signal: { aborted: boolean; onabort: (() => void) | null } = { aborted: false, onabort: null };
  return {
    signal,
    abort: () => {
      signal.aborted = true;
      signal.onabort?.();
    },
  };
}

/** At most `limit` tasks at once, the rest waiting in order. */
function createSlots(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) active--;
      else next(); // the slot passes straight to the next task
    }
  };
}

/**
 * Delivers events to a deployed Lambda function with the Invoke API (`RequestResponse`, `LogType: Tail`) and maps
 * Lambda's answer to an Observation (see lambda-invoke-result.ts): payload, thrown error, runtime death, timeout,
 * the decoded log tail. `effects` is what the in-function probes reported when the function has eventfuzz's layer
 * attached (src/layer), else undefined: no probes watched. Credentials come from the SDK's
 * standard chain (environment, profile, SSO, roles); eventfuzz never reads credential files itself.
 *
 * `invoke` never rejects for what the function or the network did: throttling is a `transport-error` named
 * `ThrottlingError` (not retried here), any other failed delivery a `transport-error` with its own name.
 * `durationMs` is the handler's own Duration from the REPORT line when the tail has it (no network in it), else
 * the wall time of the call. A call cut at `timeoutMs` is abandoned here but keeps running (and billing) in
 * Lambda until the function's own timeout: keep `timeoutMs` above the function's Timeout.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export function createLambdaRunner(options: LambdaRunnerOptions): Runner {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const target = targetRef(options);
  const inSlot = createSlots(concurrency);
  const allowExec = options.allowExec === true;
  let client: Promise<LambdaClient> | undefined;
  const ownsClient = options.client === undefined;
  const getClient = (): Promise<LambdaClient> => (client ??= options.client === undefined ? buildClient(options, concurrency) : Promise.resolve(options.client));
  // Kept once resolved, so an invocation does not wait on two settled promises every time.
  let ready: { readonly lambda: LambdaClient; readonly InvokeCommand: Sdk['InvokeCommand'] } | undefined;
  const prepare = async (): Promise<NonNullable<typeof ready>> => {
    const [lambda, { InvokeCommand }] = await Promise.all([getClient(), loadSdk()]);
    return (ready = { lambda, InvokeCommand });
  };

  async function send(invocation: Invocation, payload: string): Promise<Observation> {
    const { lambda, InvokeCommand } = ready ?? (await prepare());
    const nonce = randomUUID();
    const deadline = createDeadlineSignal();
    const timer = safeSetTimeout(deadline.abort, options.timeoutMs);
    const started = safePerformanceNow();
    const invokedAtMs = safeDateNow();
    const observation = (outcome: Observation['outcome'], rest: Partial<Observation> = {}): Observation => ({
      caseId: invocation.caseId,
      outcome,
      durationMs: safePerformanceNow() - started,
      logs: [],
      effects: undefined,
      instance: 'remote',
      ...rest,
    });
    try {
      const command = new InvokeCommand({
        FunctionName: options.functionName,
        InvocationType: 'RequestResponse',
        LogType: 'Tail',
        Payload: new TextEncoder().encode(payload),
        // Turns on the in-function probes of `eventfuzz layer` for this invocation; a function without the layer
        // ignores it (the handler sees it as context.clientContext).
        ClientContext: layerClientContext({ v: 1, nonce, allowExec }),
        ...(options.qualifier === undefined ? {} : { Qualifier: options.qualifier }),
      });
      const response = await lambda.send(command, { abortSignal: deadline.signal });
      const wallMs = safePerformanceNow() - started;
      const requestId = response.$metadata.requestId;
      const mapped = mapInvokeResult(response, requestId, wallMs);
      const layer = readLayerAnswer(mapped.logs, nonce);
      if (layer.dropped > 0) layer.logs.push(`[eventfuzz: the layer recorded ${layer.dropped} more effects than fit in the log tail]`);
      // With the layer attached, the probes' effects: the oracles then judge the invocation as they judge a local one.
      const answered = observation(mapped.outcome, { logs: layer.logs, effects: layer.effects, instance: mapped.instance, durationMs: mapped.reportedDurationMs ?? wallMs });
      if (requestId !== undefined) options.onInvoked?.(answered, { requestId, logStreamName: mapped.instance === 'remote' ? undefined : mapped.instance, invokedAtMs, nonce });
      return answered;
    } catch (error) {
      if (deadline.signal.aborted) return observation({ kind: 'timeout', limitMs: options.timeoutMs });
      return observation({ kind: 'transport-error', error: transportErrorOf(error, target, 'lambda:InvokeFunction') });
    } finally {
      safeClearTimeout(timer);
    }
  }

  return {
    kind: 'lambda',
    parallelism: concurrency,

    /** Loads the SDK and resolves region and credentials, so a missing one is a clear HarnessError before any invocation. */
    async start() {
      const { lambda } = await prepare();
      try {
        await lambda.config.region();
        await lambda.config.credentials();
      } catch (error) {
        throw harnessErrorOf(error, target, 'lambda:InvokeFunction');
      }
    },

    invoke(invocation: Invocation): Promise<Observation> {
      let payload: string | undefined;
      try {
        payload = safeStringify(invocation.event);
      } catch (error) {
        return Promise.reject(new HarnessError('EFZ_RUNNER_UNAVAILABLE', `Case ${invocation.caseId}: the event cannot be sent as JSON: ${(error as Error).message}`));
      }
      return inSlot(() => send(invocation, payload ?? 'null'));
    },

    async close() {
      if (client === undefined || !ownsClient) return;
      const built = await client.catch(() => undefined);
      client = ready = undefined;
      built?.destroy();
    },
  };
}

/**
 * Reads the function's configuration (memory, timeout, environment, ARN) with GetFunctionConfiguration. Rejects
 * with a HarnessError that says what to fix: EFZ_REMOTE_NOT_FOUND, EFZ_REMOTE_ACCESS_DENIED (naming
 * lambda:GetFunctionConfiguration), EFZ_CONFIG_INVALID (no region or credentials), else EFZ_REMOTE_UNAVAILABLE.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html
 */
export async function getLambdaConfiguration(options: LambdaTargetOptions): Promise<LambdaConfiguration> {
  const target = targetRef(options);
  const [lambda, { GetFunctionConfigurationCommand }] = await Promise.all([options.client === undefined ? buildClient(options, 1) : Promise.resolve(options.client), loadSdk()]);
  try {
    const answer = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: options.functionName, ...(options.qualifier === undefined ? {} : { Qualifier: options.qualifier }) }),
    );
    // Lambda always reports both; the fallbacks are its defaults (128 MB, 3 s).
    return {
      memoryMb: answer.MemorySize ?? 128,
      timeoutS: answer.Timeout ?? 3,
      environment: answer.Environment?.Variables,
      functionArn: answer.FunctionArn ?? options.functionName,
      logGroup: answer.LoggingConfig?.LogGroup,
    };
  } catch (error) {
    throw harnessErrorOf(error, target, 'lambda:GetFunctionConfiguration');
  } finally {
    if (options.client === undefined) lambda.destroy();
  }
}
