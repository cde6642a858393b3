import type { LambdaRunnerOptions } from '../../../src/runners/lambda.js';
import type { Runner } from '../../../src/runners/types.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLambdaRunner } from '../../../src/runners/lambda.js';

/** Absolute path of a remote-Lambda handler fixture. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/remote/lambda/${name}`, import.meta.url));

export const ENV_ACCESS_KEY = 'AKIDEFZENVIRONMENT01';

/**
 * Dummy credentials in the environment, and the user's own AWS files and instance metadata out of reach, so the
 * SDK's standard chain resolves to test values and nothing leaves 127.0.0.1. Returns a function that puts
 * everything back.
 */
export function isolateAws(overrides: Readonly<Record<string, string | undefined>> = {}): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'efz-aws-'));
  const values: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: ENV_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: 'efz-dummy-secret-not-real',
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: undefined,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_ROLE_ARN: undefined,
    ...overrides,
  };
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(values)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** Writes the shared config and credentials files `isolateAws` pointed the SDK at. */
export function writeAwsFiles(files: { readonly config?: string; readonly credentials?: string }): void {
  if (files.config !== undefined) writeFileSync(process.env['AWS_CONFIG_FILE'] ?? '', files.config);
  if (files.credentials !== undefined) writeFileSync(process.env['AWS_SHARED_CREDENTIALS_FILE'] ?? '', files.credentials);
}

/** A started runner against `endpoint`, closed by the caller. */
export async function startRunner(endpoint: string, options: Partial<LambdaRunnerOptions> & { functionName: string }): Promise<Runner> {
  const runner = createLambdaRunner({ endpoint, timeoutMs: 10_000, concurrency: 4, ...options });
  await runner.start();
  return runner;
}
