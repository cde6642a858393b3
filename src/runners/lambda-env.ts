import type { WatchedSecret } from '../core/index.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { HarnessError } from '../core/errors.js';
import { logGroupName } from './lambda-context.js';

/** What the Lambda-like environment of a local run is built from. */
export interface LambdaEnvironmentOptions {
  readonly functionName: string;
  readonly region: string;
  readonly memoryLimitMb: number;
  /** Accepted for symmetry with the other runner options; Lambda exposes no timeout variable. */
  readonly timeoutMs?: number;
  /** The campaign seed: the same seed gives the same canary credentials, a different seed different ones. */
  readonly seed: number;
  /** `--env K=V` pairs; they override the Lambda defaults (and can override a canary, which then is not watched). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** `--secret NAME`: variables whose values the handler must never reveal. Read from `extraEnv`, then `process.env`. */
  readonly secretNames?: readonly string[];
  /** The handler module: sets `LAMBDA_TASK_ROOT` (see {@link taskRootOf}) and `_HANDLER`. Default task root: the cwd. */
  readonly handlerFile?: string;
  /** `--task-root DIR`: overrides the task root found from `handlerFile`. Absolute. */
  readonly taskRoot?: string | undefined;
  /** With `handlerFile`, the export for `_HANDLER` (`index.handler`). Default `handler`. */
  readonly exportName?: string;
}

/** The environment to give the handler, and the values in it that must never come back out. */
export interface LambdaEnvironment {
  readonly env: Record<string, string>;
  readonly secrets: WatchedSecret[];
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'; // real access key ids use base32 letters and digits
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CANARY_NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

/**
 * The directory Lambda would unpack this handler's deployment package into (`/var/task`): the handler's package
 * root, the nearest directory above it with a package.json, or the handler's own directory when there is none.
 */
export function taskRootOf(handlerFile: string): string {
  for (let dir = dirname(handlerFile); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return dirname(handlerFile);
  }
}

/**
 * The variables the Node.js 20 Lambda runtime sets, plus canary credentials: fake but realistic STS keys that
 * exist only in this run, so seeing one in a response or log proves the handler leaked its environment.
 * Throws `EFZ_CONFIG_INVALID` when a `--secret` names a variable that has no value.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
export function createLambdaEnvironment(options: LambdaEnvironmentOptions): LambdaEnvironment {
  const { functionName, region, seed } = options;
  const taskRoot = options.taskRoot ?? (options.handlerFile === undefined ? process.cwd() : taskRootOf(options.handlerFile));
  const handlerName =
    options.handlerFile === undefined
      ? `index.${options.exportName ?? 'handler'}`
      : // As in a SAM template: the module path from the task root without its extension, then the export.
        `${relative(taskRoot, options.handlerFile.slice(0, options.handlerFile.length - extname(options.handlerFile).length))}.${options.exportName ?? 'handler'}`;
  const canaries: Record<(typeof CANARY_NAMES)[number], string> = {
    AWS_ACCESS_KEY_ID: `ASIA${deterministicChars(seed, 'access-key-id', UPPER_ALNUM, 16)}`,
    AWS_SECRET_ACCESS_KEY: deterministicChars(seed, 'secret-access-key', BASE64, 40),
    // Real session tokens are ~400+ base64 chars and start with this prefix (a protobuf-ish header).
    AWS_SESSION_TOKEN: `IQoJb3JpZ2luX2Vj${deterministicChars(seed, 'session-token', BASE64, 420)}`,
  };
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryLimitMb),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: `${utcDay()}/[$LATEST]${deterministicChars(seed, 'log-stream', '0123456789abcdef', 32)}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: handlerName,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    ...canaries,
    ...options.extraEnv,
  };
  const secrets: WatchedSecret[] = [];
  for (const name of CANARY_NAMES) {
    // A user who overrides a credential with --env gets their value, which is not ours to call a leak.
    if (env[name] === canaries[name]) secrets.push({ name, value: canaries[name], kind: 'canary-credential' });
  }
  for (const name of options.secretNames ?? []) {
    const value = options.extraEnv?.[name] ?? process.env[name];
    if (value === undefined || value === '') {
      throw new HarnessError(
        'EFZ_CONFIG_INVALID',
        `--secret ${name}: the variable ${name} has no value. Set it in the environment or pass --env ${name}=<value>.`,
      );
    }
    env[name] = value; // the handler must see it to be able to leak it
    secrets.push({ name, value, kind: 'user-secret' });
  }
  return { env, secrets };
}

/**
 * `length` characters from `alphabet`, derived from `seed` and `label` only (SHA-256 in counter mode), so a
 * replay with the same seed plants the same canaries.
 */
export function deterministicChars(seed: number, label: string, alphabet: string, length: number): string {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    const bytes = createHash('sha256').update(`eventfuzz:${label}:${seed}:${block}`).digest();
    for (const byte of bytes) {
      if (out.length === length) break;
      out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

function utcDay(): string {
  return new Date().toISOString().slice(0, 10).replaceAll('-', '/');
}
