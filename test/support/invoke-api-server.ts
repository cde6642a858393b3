import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnvironmentResult, FunctionErrorPayload } from './invoke-api-environment.js';
import type { CloudWatchLogsApi, CloudWatchLogsApiOptions } from './cloudwatch-logs-api.js';
import { createCloudWatchLogsApi } from './cloudwatch-logs-api.js';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { basename, dirname } from 'node:path';
import { ExecutionEnvironment, newLogStreamName } from './invoke-api-environment.js';
import { header, parseFunctionRef, parseRoute, readBody, send, sendError, sendJson } from './invoke-api-http.js';
import { exitText, invocationLog, logTail, timeoutText } from './invoke-api-log.js';

/** One deployed function: a real handler file and the configuration GetFunctionConfiguration reports. */
export interface InvokeApiFunction {
  /** Absolute path of the handler file (loaded as the Node runtime loads it: `.mjs` imported, `.cjs` required, …). */
  readonly file: string;
  readonly exportName?: string;
  /** Lambda's Timeout in seconds (default 3); fractions are allowed here so tests stay quick. */
  readonly timeoutS?: number;
  readonly memoryMb?: number;
  readonly environment?: Readonly<Record<string, string>>;
  /** Aliases and the version each points to; the versions they name exist besides $LATEST. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Reserved concurrency: more invocations in flight than this are throttled (0 throttles every one, as in AWS). */
  readonly reservedConcurrency?: number;
  /** IAM actions the caller is denied on this function (`lambda:InvokeFunction`, `lambda:GetFunctionConfiguration`), or on its log group (`logs:FilterLogEvents`). */
  readonly deniedActions?: readonly string[];
  /** LoggingConfig.LogGroup: a custom log group (default `/aws/lambda/<name>`). */
  readonly logGroup?: string;
  /** False: the log group does not exist (a role that may not create it), and the function's lines are lost. */
  readonly logGroupExists?: boolean;
}

export interface InvokeApiServerOptions {
  readonly functions: Readonly<Record<string, InvokeApiFunction>>;
  readonly region?: string;
  /** The account's concurrency limit over all functions (default unlimited). */
  readonly concurrencyLimit?: number;
  /** The CloudWatch Logs API on the same port (ingestion delay, paging, throttling). */
  readonly logs?: CloudWatchLogsApiOptions;
}

/** What the server saw of one API call. */
export interface RecordedRequest {
  readonly operation: 'Invoke' | 'GetFunctionConfiguration' | 'Unknown';
  readonly functionName: string;
  readonly qualifier: string | undefined;
  readonly invocationType: string | undefined;
  readonly logType: string | undefined;
  /** The access key id from the SigV4 Authorization header (which credentials the caller resolved). */
  readonly accessKeyId: string | undefined;
  /** The region the caller signed for (SigV4 credential scope). */
  readonly signingRegion: string | undefined;
}

export interface InvokeApiServer {
  /** `http://127.0.0.1:<port>`: pass it as the SDK's `endpoint`. */
  readonly url: string;
  readonly region: string;
  readonly accountId: string;
  /** Handler runs started for a function (throttled and rejected calls do not count): for cap tests. */
  invocations(name: string): number;
  throttles(name: string): number;
  inFlight(name: string): number;
  maxInFlight(name: string): number;
  /** Resolves once `count` invocations of `name` are running at the same time. */
  whenInFlight(name: string, count: number): Promise<void>;
  readonly requests: readonly RecordedRequest[];
  /** Every invocation's full log as CloudWatch events, and the FilterLogEvents calls made. */
  readonly logs: CloudWatchLogsApi;
  close(): Promise<void>;
}

interface FunctionState {
  readonly name: string;
  readonly spec: InvokeApiFunction;
  /** Warm environments by version: each version (or alias target) has its own, as in Lambda. */
  readonly idle: Map<string, ExecutionEnvironment[]>;
  readonly all: Set<ExecutionEnvironment>;
  invocations: number;
  throttles: number;
  inFlight: number;
  maxInFlight: number;
  waiters: { count: number; resolve: () => void }[];
}

const ACCOUNT_ID = '123456789012';
const INVALID_CLIENT_CONTEXT = Symbol('invalid client context');

/** The function's Handler setting as Lambda stores it: the file name up to its first dot, then the export. */
function handlerSetting(spec: InvokeApiFunction): string {
  return `${basename(spec.file).replace(/\..*$/, '')}.${spec.exportName ?? 'handler'}`;
}

/** Invoke's ClientContext header: base64 of a JSON object, which the runtime hands the handler as `context.clientContext`. */
function parseClientContext(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : INVALID_CLIENT_CONTEXT;
  } catch {
    return INVALID_CLIENT_CONTEXT;
  }
}
const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'];

/**
 * A Lambda Invoke API of our own on 127.0.0.1, following the AWS documentation for what serverless-offline
 * leaves out: the log tail (X-Amz-Log-Result, base64 of the last 4 KB with START/END/REPORT), timeouts
 * (Sandbox.Timedout, "Task timed out after N.NN seconds"), runtime exits (Runtime.ExitError), throttling
 * (429 TooManyRequestsException), unknown functions (404 ResourceNotFoundException), non-JSON payloads (400),
 * denied actions (403 AccessDeniedException), and GetFunctionConfiguration. Each execution environment is a child
 * process running the real handler file, so exits and hangs end that process and nothing else.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export async function startInvokeApiServer(options: InvokeApiServerOptions): Promise<InvokeApiServer> {
  const region = options.region ?? 'us-east-1';
  const functions = new Map<string, FunctionState>();
  for (const [name, spec] of Object.entries(options.functions)) {
    functions.set(name, { name, spec, idle: new Map(), all: new Set(), invocations: 0, throttles: 0, inFlight: 0, maxInFlight: 0, waiters: [] });
  }
  const requests: RecordedRequest[] = [];
  const logGroupOf = (fn: FunctionState): string => fn.spec.logGroup ?? `/aws/lambda/${fn.name}`;
  const logs = createCloudWatchLogsApi(region, ACCOUNT_ID, (group) => [...functions.values()].some((fn) => logGroupOf(fn) === group && fn.spec.deniedActions?.includes('logs:FilterLogEvents') === true), options.logs);
  for (const fn of functions.values()) if (fn.spec.logGroupExists !== false) logs.createLogGroup(logGroupOf(fn));
  const arnOf = (name: string, qualifier?: string): string => `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, 500, 'ServiceException', String(error)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (logs.accepts(req)) return logs.handle(req, res, await readBody(req));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = parseRoute(req.method ?? 'GET', url.pathname);
    const ref = route === undefined ? undefined : parseFunctionRef(route.functionName);
    const qualifier = url.searchParams.get('Qualifier') ?? ref?.qualifier;
    const credential = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(header(req, 'authorization') ?? '');
    requests.push({
      operation: route?.operation ?? 'Unknown',
      functionName: ref?.name ?? '',
      qualifier,
      invocationType: header(req, 'x-amz-invocation-type'),
      logType: header(req, 'x-amz-log-type'),
      accessKeyId: credential?.[1],
      signingRegion: credential?.[2],
    });
    const body = await readBody(req);
    if (route === undefined || ref === undefined) return sendError(res, 404, 'UnknownOperationException', 'Unknown operation');
    const fn = functions.get(ref.name);
    const version = fn === undefined ? undefined : resolveVersion(fn.spec, qualifier);
    if (fn === undefined || version === undefined) return sendError(res, 404, 'ResourceNotFoundException', `Function not found: ${arnOf(ref.name, qualifier)}`);
    const action = route.operation === 'Invoke' ? 'lambda:InvokeFunction' : 'lambda:GetFunctionConfiguration';
    if (fn.spec.deniedActions?.includes(action)) {
      return sendError(res, 403, 'AccessDeniedException', `User: arn:aws:iam::${ACCOUNT_ID}:user/tester is not authorized to perform: ${action} on resource: ${arnOf(fn.name, qualifier)} because no identity-based policy allows the ${action} action`);
    }
    if (route.operation === 'GetFunctionConfiguration') return sendJson(res, 200, configuration(fn, version, qualifier));
    return invoke(req, res, fn, version, qualifier, body);
  }

  async function invoke(req: IncomingMessage, res: ServerResponse, fn: FunctionState, version: string, qualifier: string | undefined, body: Buffer): Promise<void> {
    const invocationType = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (!INVOCATION_TYPES.includes(invocationType)) {
      return sendError(res, 400, 'ValidationException', `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [${INVOCATION_TYPES.join(', ')}]`);
    }
    let event: unknown;
    try {
      event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (error) {
      return sendError(res, 400, 'InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`);
    }
    const clientContext = parseClientContext(header(req, 'x-amz-client-context'));
    if (clientContext === INVALID_CLIENT_CONTEXT) return sendError(res, 400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
    if (invocationType === 'DryRun') return send(res, 204, '', { 'x-amzn-requestid': randomUUID() });
    const reserved = fn.spec.reservedConcurrency;
    const accountInFlight = [...functions.values()].reduce((sum, f) => sum + f.inFlight, 0);
    if ((reserved !== undefined && fn.inFlight >= reserved) || accountInFlight >= (options.concurrencyLimit ?? Infinity)) {
      fn.throttles++;
      const reason = reserved !== undefined && fn.inFlight >= reserved ? 'ReservedFunctionConcurrentInvocationLimitExceeded' : 'ConcurrentInvocationLimitExceeded';
      return sendJson(res, 429, { Reason: reason, Type: 'User', message: 'Rate Exceeded.' }, { 'x-amzn-errortype': 'TooManyRequestsException' });
    }
    const requestId = randomUUID();
    const run = runInvocation(fn, version, qualifier, requestId, event, clientContext);
    if (invocationType === 'Event') {
      run.catch(() => undefined);
      return send(res, 202, '', { 'x-amzn-requestid': requestId });
    }
    const { result, log } = await run;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amz-executed-version': version };
    if (header(req, 'x-amz-log-type') === 'Tail') headers['x-amz-log-result'] = logTail(log);
    const error = functionError(result, requestId, fn.spec.timeoutS ?? 3);
    if (error === undefined) return send(res, 200, result.kind === 'returned' ? result.payload : 'null', headers);
    headers['x-amz-function-error'] = 'Unhandled';
    return send(res, 200, JSON.stringify(error), headers);
  }

  async function runInvocation(fn: FunctionState, version: string, qualifier: string | undefined, requestId: string, event: unknown, clientContext: unknown): Promise<{ result: EnvironmentResult; log: string }> {
    fn.invocations++;
    fn.inFlight++;
    fn.maxInFlight = Math.max(fn.maxInFlight, fn.inFlight);
    for (const waiter of fn.waiters.filter((w) => fn.inFlight >= w.count)) waiter.resolve();
    fn.waiters = fn.waiters.filter((w) => fn.inFlight < w.count);
    const environment = takeEnvironment(fn, version);
    const firstUse = environment.initDurationMs === undefined;
    const started = performance.now();
    const startedAtMs = Date.now();
    try {
      const timeoutS = fn.spec.timeoutS ?? 3;
      const result = await environment.invoke(requestId, event, timeoutS * 1000, {
        functionName: fn.name,
        functionVersion: version,
        invokedFunctionArn: arnOf(fn.name, qualifier),
        memoryLimitInMB: String(fn.spec.memoryMb ?? 128),
        logGroupName: logGroupOf(fn),
        logStreamName: environment.logStreamName,
        ...(clientContext === undefined ? {} : { clientContext }),
      });
      const log = invocationLog({
        requestId,
        version,
        result,
        durationMs: performance.now() - started,
        memoryMb: fn.spec.memoryMb ?? 128,
        maxMemoryUsedMb: environment.rssMb,
        initDurationMs: firstUse ? environment.initDurationMs : undefined,
        timeoutS,
      });
      logs.putInvocationLog(logGroupOf(fn), environment.logStreamName, log, startedAtMs, Date.now());
      if (environment.dead) fn.all.delete(environment);
      else idleOf(fn, version).push(environment);
      return { result, log };
    } finally {
      fn.inFlight--;
    }
  }

  function takeEnvironment(fn: FunctionState, version: string): ExecutionEnvironment {
    const idle = idleOf(fn, version);
    for (let env = idle.pop(); env !== undefined; env = idle.pop()) {
      if (!env.dead) return env;
      fn.all.delete(env);
    }
    const logStreamName = newLogStreamName(version);
    const env = new ExecutionEnvironment({ file: fn.spec.file, logStreamName, env: lambdaVariables(fn, version, logStreamName) });
    fn.all.add(env);
    return env;
  }

  function idleOf(fn: FunctionState, version: string): ExecutionEnvironment[] {
    let idle = fn.idle.get(version);
    if (idle === undefined) fn.idle.set(version, (idle = []));
    return idle;
  }

  function lambdaVariables(fn: FunctionState, version: string, logStreamName: string): Record<string, string> {
    return {
      PATH: '/usr/local/bin:/usr/bin/:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      LAMBDA_TASK_ROOT: dirname(fn.spec.file),
      _HANDLER: handlerSetting(fn.spec),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: version,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.spec.memoryMb ?? 128),
      AWS_LAMBDA_LOG_GROUP_NAME: logGroupOf(fn),
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
      // The execution role's temporary credentials, which Lambda puts in every function's environment (fake ones).
      AWS_ACCESS_KEY_ID: 'ASIAEFZROLE000000001',
      AWS_SECRET_ACCESS_KEY: 'efzRoleSecretKey000000000000000000000001',
      AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEFZ-efz-fake-role-session-token-0001',
      ...fn.spec.environment,
    };
  }

  function configuration(fn: FunctionState, version: string, qualifier: string | undefined): Record<string, unknown> {
    const variables = fn.spec.environment;
    return {
      FunctionName: fn.name,
      FunctionArn: arnOf(fn.name, qualifier),
      Runtime: 'nodejs20.x',
      Role: `arn:aws:iam::${ACCOUNT_ID}:role/${fn.name}-role`,
      Handler: handlerSetting(fn.spec),
      CodeSize: 1024,
      Description: '',
      Timeout: fn.spec.timeoutS ?? 3,
      MemorySize: fn.spec.memoryMb ?? 128,
      LastModified: '2026-01-01T00:00:00.000+0000',
      CodeSha256: 'efz0000000000000000000000000000000000000000=',
      Version: version,
      ...(variables === undefined ? {} : { Environment: { Variables: variables } }),
      TracingConfig: { Mode: 'PassThrough' },
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: 'Text', LogGroup: logGroupOf(fn) },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state = (name: string): FunctionState => {
    const fn = functions.get(name);
    if (fn === undefined) throw new Error(`invoke-api-server: no function ${name}`);
    return fn;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    region,
    accountId: ACCOUNT_ID,
    requests,
    logs,
    invocations: (name) => state(name).invocations,
    throttles: (name) => state(name).throttles,
    inFlight: (name) => state(name).inFlight,
    maxInFlight: (name) => state(name).maxInFlight,
    whenInFlight: (name, count) => {
      const fn = state(name);
      if (fn.inFlight >= count) return Promise.resolve();
      return new Promise((resolve) => fn.waiters.push({ count, resolve }));
    },
    async close() {
      for (const fn of functions.values()) for (const env of fn.all) env.kill();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The error payload Lambda returns with X-Amz-Function-Error, or undefined when the handler returned. */
function functionError(result: EnvironmentResult, requestId: string, timeoutS: number): FunctionErrorPayload | undefined {
  switch (result.kind) {
    case 'returned':
      return undefined;
    case 'threw':
    case 'init-error':
      return result.error;
    case 'timeout':
      return { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: ${timeoutText(timeoutS)}` };
    case 'exited':
      return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${exitText(result)}` };
  }
}

function resolveVersion(spec: InvokeApiFunction, qualifier: string | undefined): string | undefined {
  if (qualifier === undefined || qualifier === '$LATEST') return '$LATEST';
  const aliased = spec.aliases?.[qualifier];
  if (aliased !== undefined) return aliased;
  return Object.values(spec.aliases ?? {}).includes(qualifier) ? qualifier : undefined;
}
