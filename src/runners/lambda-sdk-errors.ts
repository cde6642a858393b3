import type { HarnessErrorCode } from '../core/errors.js';
import type { SerializedError } from '../core/serialize-error.js';
import { HarnessError } from '../core/errors.js';
import { serializeError } from '../core/serialize-error.js';

/** The IAM actions the Lambda runner calls, named in messages when one is denied. */
export type LambdaAction = 'lambda:InvokeFunction' | 'lambda:GetFunctionConfiguration';

/** Which function a call was about, for messages a user can act on. */
export interface LambdaTargetRef {
  readonly functionName: string;
  readonly qualifier: string | undefined;
  readonly region: string | undefined;
}

type Failure = 'throttled' | 'not-found' | 'access-denied' | 'credentials-rejected' | 'no-credentials' | 'no-region' | 'other';

// AWS answers 403 with these when the keys themselves are wrong, expired or mis-signed (not a missing permission).
const REJECTED_CREDENTIALS = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'InvalidClientTokenId']);

/** Reads an SDK error by name and HTTP status only: it is plain data from the wire, whatever its class. */
function classify(error: unknown): Failure {
  const record = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const name = typeof record.name === 'string' ? record.name : '';
  const status = record.$metadata?.httpStatusCode;
  if (name === 'TooManyRequestsException' || status === 429) return 'throttled';
  if (name === 'ResourceNotFoundException') return 'not-found';
  if (name === 'AccessDeniedException') return 'access-denied';
  if (REJECTED_CREDENTIALS.has(name)) return 'credentials-rejected';
  if (name === 'CredentialsProviderError') return 'no-credentials';
  if (typeof record.message === 'string' && record.message === 'Region is missing') return 'no-region';
  return 'other';
}

function describe(target: LambdaTargetRef): string {
  const qualifier = target.qualifier === undefined ? '' : ` (qualifier ${target.qualifier})`;
  return `Lambda function "${target.functionName}"${qualifier} in ${target.region ?? 'the default region'}`;
}

function said(error: unknown): string {
  const message = serializeError(error).message;
  return message === '' ? '' : ` AWS said: ${message}`;
}

/** A message that says what failed and what to do next, and the code that goes with it (undefined: no advice). */
function advice(failure: Failure, error: unknown, target: LambdaTargetRef, action: LambdaAction): { code: HarnessErrorCode; message: string } | undefined {
  switch (failure) {
    case 'not-found':
      return { code: 'EFZ_REMOTE_NOT_FOUND', message: `${describe(target)} was not found. Check the function name or ARN, --qualifier and --region.${said(error)}` };
    case 'access-denied':
      return { code: 'EFZ_REMOTE_ACCESS_DENIED', message: `Not allowed to call ${action} on ${describe(target)}: the caller's IAM identity needs the ${action} permission on that function.${said(error)}` };
    case 'credentials-rejected':
      return { code: 'EFZ_REMOTE_ACCESS_DENIED', message: `AWS rejected the credentials used for ${describe(target)} (unknown, expired or mis-signed). Refresh them (aws sso login, new session) or pick another --profile.${said(error)}` };
    case 'no-credentials':
      return { code: 'EFZ_CONFIG_INVALID', message: `No AWS credentials found for ${describe(target)} through the SDK's standard chain (environment, --profile / AWS_PROFILE, SSO, web identity, container or instance role).${said(error)}` };
    case 'no-region':
      return { code: 'EFZ_CONFIG_INVALID', message: `No AWS region for ${describe(target)}: pass --region, set AWS_REGION, give a function ARN, or set a region in the profile.` };
    case 'throttled':
    case 'other':
      return undefined;
  }
}

/** True when the SDK error is Lambda throttling (TooManyRequestsException, HTTP 429). */
export function isThrottling(error: unknown): boolean {
  return classify(error) === 'throttled';
}

/**
 * A failed delivery as the `transport-error` outcome carries it. Throttling is named `ThrottlingError` (the
 * guard retries it and never reports it); a missing function or a denied action keeps the AWS name and gets a
 * message naming what to fix, with the HarnessError code as `code` so a caller can stop the run on it.
 */
export function transportErrorOf(error: unknown, target: LambdaTargetRef, action: LambdaAction): SerializedError {
  const failure = classify(error);
  const serialized = serializeError(error);
  if (failure === 'throttled') {
    const reason = (error as { Reason?: unknown }).Reason;
    const why = typeof reason === 'string' ? ` (${reason})` : '';
    return { name: 'ThrottlingError', message: `Lambda throttled the invocation of ${describe(target)}${why}.${said(error)}`, stack: undefined, code: 'TooManyRequestsException', isError: true };
  }
  const advised = advice(failure, error, target, action);
  return advised === undefined ? serialized : { ...serialized, message: advised.message, stack: undefined, code: advised.code };
}

/** The same failure, for calls the harness needs before it can fuzz (GetFunctionConfiguration, start()). */
export function harnessErrorOf(error: unknown, target: LambdaTargetRef, action: LambdaAction): HarnessError {
  const failure = classify(error);
  const advised = advice(failure, error, target, action);
  if (advised !== undefined) return new HarnessError(advised.code, advised.message, { cause: error });
  const what = failure === 'throttled' ? 'was throttled' : 'failed';
  return new HarnessError('EFZ_REMOTE_UNAVAILABLE', `${action} on ${describe(target)} ${what}.${said(error)}`, { cause: error });
}
