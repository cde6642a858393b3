import type { LocalRunnerOptions } from '../../../src/runners/types.js';
import { readFileSync } from 'node:fs';
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

/** Still running: it exists and is not a zombie (a killed child of a terminated realm waits for its reaper). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
