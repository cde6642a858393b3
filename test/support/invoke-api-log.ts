import type { EnvironmentResult } from './invoke-api-environment.js';

/** Lambda sends at most the last 4 KB of an invocation's log in X-Amz-Log-Result. */
export const LOG_TAIL_BYTES = 4096;

// Lambda's init is written in Go: a signal death reads as Go's syscall.Signal text ("signal: killed").
const SIGNAL_TEXT: Readonly<Record<string, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
  SIGINT: 'interrupt',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGILL: 'illegal instruction',
  SIGHUP: 'hangup',
};

/** "exit status 1" or "signal: killed", as the Runtime.ExitError message words it. */
export function exitText(result: Extract<EnvironmentResult, { kind: 'exited' }>): string {
  if (result.signal !== null) return `signal: ${SIGNAL_TEXT[result.signal] ?? result.signal.toLowerCase()}`;
  return `exit status ${result.code ?? 0}`;
}

/** "3.00": Lambda prints timeouts in seconds with two decimals. */
export function timeoutText(timeoutS: number): string {
  return `Task timed out after ${timeoutS.toFixed(2)} seconds`;
}

export interface InvocationLogInput {
  readonly requestId: string;
  readonly version: string;
  readonly result: EnvironmentResult;
  readonly durationMs: number;
  readonly memoryMb: number;
  readonly maxMemoryUsedMb: number;
  /** Set on an environment's first invocation only, as Lambda reports a cold start. */
  readonly initDurationMs: number | undefined;
  readonly timeoutS: number;
}

/** The invocation's whole log, as CloudWatch would hold it: START, the function's output, END and REPORT. */
export function invocationLog(input: InvocationLogInput): string {
  const { requestId, result } = input;
  const lines = [`START RequestId: ${requestId} Version: ${input.version}`];
  const output = result.output.endsWith('\n') || result.output === '' ? result.output : `${result.output}\n`;
  let status = '';
  if (result.kind === 'timeout') {
    lines.push(`${output}${new Date().toISOString()} ${requestId} ${timeoutText(input.timeoutS)}`);
    status = 'Status: timeout';
  } else if (result.kind === 'exited') {
    lines.push(`${output}RequestId: ${requestId} Error: Runtime exited with error: ${exitText(result)}`, 'Runtime.ExitError');
    status = 'Status: error\tError Type: Runtime.ExitError';
  } else if (result.kind === 'init-error') {
    const record = JSON.stringify({ errorType: result.error.errorType, errorMessage: result.error.errorMessage, stack: result.error.trace ?? [] });
    lines.push(`${output}${new Date().toISOString()}\tundefined\tERROR\tUncaught Exception \t${record}`);
    status = `Status: error\tError Type: ${result.error.errorType}`;
  } else if (output !== '') {
    lines.push(output.slice(0, -1));
  }
  const duration = input.result.kind === 'timeout' ? input.timeoutS * 1000 : input.durationMs;
  const init = input.initDurationMs === undefined ? '' : `Init Duration: ${input.initDurationMs.toFixed(2)} ms\t`;
  lines.push(
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\tMemory Size: ${input.memoryMb} MB\tMax Memory Used: ${input.maxMemoryUsedMb} MB\t${init}${status}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Base64 of the log's last 4 KB (bytes, not characters: a multi-byte character may be cut, as Lambda cuts it). */
export function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('base64');
}
