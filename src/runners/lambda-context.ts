import type { Context } from 'aws-lambda';
import { randomBytes, randomUUID } from 'node:crypto';
import { safeDateNow } from '../core/safe-globals.js';

/** Called when the handler ends the invocation through the deprecated `context.done/succeed/fail`. */
export type ContextSettle = (error: unknown, result?: unknown) => void;

/** What a fake Lambda `Context` is built from. Only `functionName`, `memoryLimitMb` and `timeoutMs` are required. */
export interface LambdaContextOptions {
  readonly functionName: string;
  readonly memoryLimitMb: number;
  /** The invocation deadline; `getRemainingTimeInMillis()` counts down from it. */
  readonly timeoutMs: number;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Default `123456789012`, the account id AWS uses in its documentation. */
  readonly accountId?: string;
  /** Default: a fresh UUID, as Lambda gives every invocation. */
  readonly requestId?: string;
  /** Default: a fresh realistic one; pass the instance's `AWS_LAMBDA_LOG_STREAM_NAME` so the two agree. */
  readonly logStreamName?: string;
  /** Receives `context.done/succeed/fail`; without it those calls are accepted and ignored. */
  readonly onDone?: ContextSettle;
}

const DEFAULT_REGION = 'us-east-1';
const DEFAULT_ACCOUNT = '123456789012';

/**
 * A `Context` indistinguishable (for handler code) from the one the Node.js Lambda runtime passes. The deadline
 * is fixed when the context is built, so build it just before calling the handler.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const region = options.region ?? DEFAULT_REGION;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT;
  const deadline = safeDateNow() + options.timeoutMs;
  const onDone = options.onDone;
  const settle = (error: unknown, result?: unknown): void => {
    if (onDone !== undefined) onDone(error, result);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitMb),
    awsRequestId: options.requestId ?? randomUUID(),
    logGroupName: logGroupName(options.functionName),
    logStreamName: options.logStreamName ?? createLogStreamName(),
    getRemainingTimeInMillis: () => Math.max(0, deadline - safeDateNow()),
    done: (error?: Error, result?: unknown) => settle(error ?? null, result),
    // The runtime treats `fail(x)` like `callback(x)`, including strings.
    fail: (error: Error | string) => settle(error ?? new Error('context.fail() called without an error')),
    succeed: (messageOrObject: unknown) => settle(null, messageOrObject),
  };
}

/** `/aws/lambda/<function>`, as Lambda names the log group. */
export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** `2024/05/01/[$LATEST]<32 hex>`: one per warm instance in real Lambda. */
export function createLogStreamName(now: Date = new Date(safeDateNow())): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
