import type { LocalRunnerOptions } from '../../../src/runners/types.js';
import { fileURLToPath } from 'node:url';
import { createLambdaEnvironment } from '../../../src/runners/lambda-env.js';

/** Absolute path of a handler fixture. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/handlers/${name}`, import.meta.url));

/** Runner options for a fixture with a short deadline, so hangs cost little. */
export function runnerOptions(name: string, overrides: Partial<LocalRunnerOptions> = {}): LocalRunnerOptions {
  const file = fixture(name);
  const { env } = createLambdaEnvironment({ functionName: 'fixture-fn', region: 'eu-west-1', memoryLimitMb: 128, seed: 7, handlerFile: file });
  return { file, exportName: 'handler', timeoutMs: 300, env, allowExec: false, functionName: 'fixture-fn', memoryLimitMb: 128, ...overrides };
}
