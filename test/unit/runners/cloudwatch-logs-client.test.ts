import { describe, expect, it } from 'vitest';
import { defaultLogGroup, functionNameOf, isLogsThrottling, logsHarnessErrorOf, regionOfFunction } from '../../../src/runners/cloudwatch-logs-client.js';
import { mergeWithTail } from '../../../src/runners/full-log-runner.js';

const awsError = (name: string, message: string, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('functionNameOf / defaultLogGroup', () => {
  it.each([
    ['orders', 'orders'],
    ['orders:live', 'orders'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:orders', 'orders'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:orders:7', 'orders'],
    ['arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:orders:live', 'orders'],
    ['123456789012:function:orders', 'orders'],
    ['123456789012:function:orders:$LATEST', 'orders'],
  ])('%s → %s', (ref, name) => {
    expect(functionNameOf(ref)).toBe(name);
    expect(defaultLogGroup(ref)).toBe(`/aws/lambda/${name}`);
  });
});

describe('regionOfFunction', () => {
  it('reads a full ARN, and nothing from a name or partial ARN', () => {
    expect(regionOfFunction('arn:aws:lambda:eu-west-1:123456789012:function:orders:live')).toBe('eu-west-1');
    expect(regionOfFunction('123456789012:function:orders')).toBeUndefined();
    expect(regionOfFunction('orders')).toBeUndefined();
  });
});

describe('logsHarnessErrorOf', () => {
  it('a denied action names logs:FilterLogEvents and the log group', () => {
    const error = logsHarnessErrorOf(awsError('AccessDeniedException', 'not authorized'), '/aws/lambda/orders');
    expect(error.code).toBe('EFZ_REMOTE_ACCESS_DENIED');
    expect(error.message).toMatch(/logs:FilterLogEvents on log group \/aws\/lambda\/orders.*AWS said: not authorized/);
  });

  it('a missing group says it does not exist and how a custom one is found', () => {
    const error = logsHarnessErrorOf(awsError('ResourceNotFoundException', 'The specified log group does not exist.'), '/aws/lambda/orders');
    expect(error.code).toBe('EFZ_REMOTE_NOT_FOUND');
    expect(error.message).toMatch(/log group \/aws\/lambda\/orders does not exist.*LoggingConfig/);
  });

  it('anything else is unavailable, never a finding', () => {
    expect(logsHarnessErrorOf(awsError('ServiceUnavailableException', 'down', 503), '/g').code).toBe('EFZ_REMOTE_UNAVAILABLE');
  });
});

describe('isLogsThrottling', () => {
  it('ThrottlingException, LimitExceededException and HTTP 429 are throttling; access denied is not', () => {
    expect(isLogsThrottling(awsError('ThrottlingException', 'Rate exceeded'))).toBe(true);
    expect(isLogsThrottling(awsError('LimitExceededException', 'limit'))).toBe(true);
    expect(isLogsThrottling(awsError('Whatever', 'x', 429))).toBe(true);
    expect(isLogsThrottling(awsError('AccessDeniedException', 'no'))).toBe(false);
  });
});

describe('mergeWithTail', () => {
  it('drops the tail\'s first line when it is the cut end of a line CloudWatch had', () => {
    expect(mergeWithTail(['START', 'filler 1 xxxxxxxx', 'END'], ['xxxx', 'END'])).toEqual(['START', 'filler 1 xxxxxxxx', 'END']);
  });

  it('keeps what CloudWatch had, then the tail lines it lacked, in order', () => {
    expect(mergeWithTail(['START', 'a', 'b'], ['b-cut', 'b', 'c', 'END'])).toEqual(['START', 'a', 'b', 'b-cut', 'c', 'END']);
    // Lines without the request id (raw stdout writes) are only in the tail: kept after the full log.
    expect(mergeWithTail(['START', 'a', 'END'], ['a', 'raw write', 'END'])).toEqual(['START', 'a', 'END', 'raw write']);
    expect(mergeWithTail([], ['x', 'END'])).toEqual(['x', 'END']);
  });
});
