import type { Effect, FuzzCase, Observation, Outcome, ProcessEffect, SerializedError, WatchedSecret } from '../../src/core/index.js';
import type { OracleContext } from '../../src/oracles/types.js';

/** An observation with sensible defaults: the handler returned `{ statusCode: 200 }` quickly, nothing logged. */
export function observation(overrides: Partial<Observation> = {}): Observation {
  return {
    caseId: 'case-1',
    outcome: { kind: 'returned', value: { statusCode: 200, body: 'ok' } },
    durationMs: 3,
    logs: [],
    effects: [],
    instance: 'w0',
    ...overrides,
  };
}

export const returned = (value: unknown): Outcome => ({ kind: 'returned', value });

export function fuzzCase(overrides: Partial<FuzzCase> = {}): FuzzCase {
  return {
    source: 'sqs',
    event: { Records: [] },
    canary: 'efzcanary00001',
    injection: {
      point: 'Records[*].body',
      target: 'Records[0].body',
      payloadId: 'ci-semicolon-echo',
      family: 'command-injection',
      placement: 'replace',
      payload: ';echo efzcanary00001$((6*7))',
    },
    mutators: [],
    ...overrides,
  };
}

export function oracleContext(overrides: { case?: Partial<FuzzCase>; secrets?: readonly WatchedSecret[]; timeoutMs?: number; remote?: boolean } = {}): OracleContext {
  return {
    case: fuzzCase(overrides.case),
    secrets: overrides.secrets ?? [],
    timeoutMs: overrides.timeoutMs ?? 3000,
    ...(overrides.remote === undefined ? {} : { remote: overrides.remote }),
  };
}

export function spawnEffect(overrides: Partial<ProcessEffect> = {}): Effect {
  return {
    kind: 'process',
    api: 'child_process.exec',
    file: '/bin/sh',
    args: ['-c', 'echo hello'],
    script: 'echo hello',
    blocked: false,
    callSite: '/task/handler.js:3:5',
    ...overrides,
  };
}

/** A serialized Error thrown from `/task/src/handler.js` (name, message and stack as V8 prints them). */
export function serializedError(overrides: Partial<SerializedError> = {}): SerializedError {
  const name = overrides.name ?? 'TypeError';
  const message = overrides.message ?? "Cannot read properties of undefined (reading 'id')";
  return {
    name,
    message,
    stack: `${name}: ${message}\n    at parseOrder (/task/src/orders.js:12:17)\n    at Runtime.handler (/task/src/handler.js:5:10)`,
    code: undefined,
    isError: true,
    ...overrides,
  };
}

export const threw = (error: SerializedError = serializedError()): Outcome => ({ kind: 'threw', error });

export function crashed(overrides: Partial<Extract<Outcome, { kind: 'crashed' }>> = {}): Outcome {
  return { kind: 'crashed', reason: 'exit', exitCode: 1, error: undefined, ...overrides };
}
