import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { FilterLogEvents } from './cloudwatch-logs.js';
import { HarnessError } from '../core/errors.js';
import { safeDateNow } from '../core/safe-globals.js';
import { serializeError } from '../core/serialize-error.js';
import { lazyAwsSdk } from './aws-sdk.js';

/** Where the function's logs live and how to reach CloudWatch Logs: the Lambda client's region, profile and endpoint. */
export interface LogsAccessOptions {
  readonly logGroupName: string;
  /** The function's name or ARN: a full ARN gives the region when `region` is unset, as it does for the Lambda client. */
  readonly functionName?: string | undefined;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  /** The same endpoint as the Lambda client's (an emulator such as LocalStack serves both APIs on one port). */
  readonly endpoint?: string | undefined;
  /** A client to use instead of one built from the options above. */
  readonly client?: CloudWatchLogsClient | undefined;
}

/** A FilterLogEvents binding over the SDK, with the probe the runner makes before fuzzing. */
export interface LogsAccess {
  readonly filter: FilterLogEvents;
  /** One cheap FilterLogEvents call: rejects with a HarnessError when the log group is missing or the action denied (a throttled probe passes). */
  probe(): Promise<void>;
  close(): void;
}

type Sdk = typeof import('@aws-sdk/client-cloudwatch-logs');

// Runs with the log tail never pay for importing it.
const loadSdk = lazyAwsSdk<Sdk>(() => import('@aws-sdk/client-cloudwatch-logs'), '--logs cloudwatch needs @aws-sdk/client-cloudwatch-logs: npm i @aws-sdk/client-cloudwatch-logs');

/**
 * The function's name in a name, a `name:qualifier`, a full ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`)
 * or a partial one (`<account>:function:<name>[:<qualifier>]`): what Lambda's default log group is named after.
 */
export function functionNameOf(ref: string): string {
  const arn = /^(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:)?\d{12}:function:([^:]+)(?::[^:]+)?$/.exec(ref);
  if (arn?.[1] !== undefined) return arn[1];
  return ref.split(':')[0] ?? ref;
}

/** The region of a full function ARN (`arn:aws:lambda:eu-west-1:…`); undefined for a name or a partial ARN. */
export function regionOfFunction(ref: string): string | undefined {
  return /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):/.exec(ref)?.[1];
}

/** Lambda's default log group, `/aws/lambda/<function name>` (a custom one is GetFunctionConfiguration's LoggingConfig.LogGroup). */
export function defaultLogGroup(ref: string): string {
  return `/aws/lambda/${functionNameOf(ref)}`;
}

function nameAndStatus(error: unknown): { name: string; status: unknown } {
  const record = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return { name: typeof record.name === 'string' ? record.name : '', status: record.$metadata?.httpStatusCode };
}

/** FilterLogEvents asking to slow down: ThrottlingException (the usual one), LimitExceededException, HTTP 429. */
export function isLogsThrottling(error: unknown): boolean {
  const { name, status } = nameAndStatus(error);
  return name === 'ThrottlingException' || name === 'LimitExceededException' || status === 429;
}

/** A failed probe in words a user can act on: which permission, which log group. */
export function logsHarnessErrorOf(error: unknown, logGroupName: string): HarnessError {
  const { name } = nameAndStatus(error);
  const message = serializeError(error).message;
  const said = message === '' ? '' : ` AWS said: ${message}`;
  if (name === 'AccessDeniedException') {
    return new HarnessError('EFZ_REMOTE_ACCESS_DENIED', `--logs cloudwatch: not allowed to call logs:FilterLogEvents on log group ${logGroupName}: the caller's IAM identity needs logs:FilterLogEvents on that log group (or use --logs tail).${said}`, { cause: error });
  }
  if (name === 'ResourceNotFoundException') {
    return new HarnessError(
      'EFZ_REMOTE_NOT_FOUND',
      `--logs cloudwatch: log group ${logGroupName} does not exist. Lambda creates it on the function's first invocation when its role may write logs; a function with a custom log group names it in LoggingConfig (read with lambda:GetFunctionConfiguration). Or use --logs tail.${said}`,
      { cause: error },
    );
  }
  const what = isLogsThrottling(error) ? 'was throttled' : 'failed';
  return new HarnessError('EFZ_REMOTE_UNAVAILABLE', `--logs cloudwatch: logs:FilterLogEvents on log group ${logGroupName} ${what}.${said}`, { cause: error });
}

/** Builds the CloudWatch Logs client (lazily loaded SDK) and the FilterLogEvents binding the reader polls with. */
export async function createLogsAccess(options: LogsAccessOptions): Promise<LogsAccess> {
  const { CloudWatchLogsClient: Client, FilterLogEventsCommand } = await loadSdk();
  const owned = options.client === undefined;
  // The logs are where the function is: the same region the Lambda client resolves.
  const region = options.region ?? (options.functionName === undefined ? undefined : regionOfFunction(options.functionName));
  const client =
    options.client ??
    new Client({
      // One attempt: the reader paces and backs off itself, and SDK retries would spend the shared quota behind its back.
      maxAttempts: 1,
      ...(region === undefined ? {} : { region }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    });
  const filter: FilterLogEvents = async (request) => client.send(new FilterLogEventsCommand({ ...request }));
  return {
    filter,
    async probe() {
      try {
        // An empty window: the answer is about the group and the permission, not about any event.
        const now = safeDateNow();
        await client.send(new FilterLogEventsCommand({ logGroupName: options.logGroupName, startTime: now, endTime: now, limit: 1 }));
      } catch (error) {
        // Throttled says nothing against the group or the permission: the reader backs off during the run.
        if (!isLogsThrottling(error)) throw logsHarnessErrorOf(error, options.logGroupName);
      }
    },
    close() {
      if (owned) client.destroy();
    },
  };
}
