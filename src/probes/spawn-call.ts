import { safeArrayIsArray } from '../core/safe-globals.js';

/** @internal The spawning functions of `node:child_process`, in the order they are patched. */
export const SPAWNERS = ['exec', 'execSync', 'execFile', 'execFileSync', 'spawn', 'spawnSync', 'fork'] as const;
export type SpawnerName = (typeof SPAWNERS)[number];

/** @internal One child_process call, normalised the way node normalises it, so the effect shows what really runs. */
export interface SpawnCall {
  readonly api: SpawnerName;
  /** The program node starts: the shell for `exec*` and `shell: true`, the module path for `fork`. */
  readonly file: string;
  readonly args: readonly string[];
  /** The text a shell interprets, or `null` when no shell is involved. */
  readonly script: string | null;
  /** Own enumerable options, read once (node spreads them the same way). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Index of the node-style callback in the original arguments, or -1. */
  readonly callbackIndex: number;
  /** Every string that reaches the child: program, arguments, script, environment, cwd, argv0, stdin input. */
  readonly texts: readonly string[];
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash']);
const ENV_VALUE_OPTIONS = new Set(['-u', '--unset', '-C', '--chdir']);

/**
 * @internal
 * Describes a call the way node will execute it, or returns `undefined` when node would reject the arguments
 * (the original then throws its own validation error, so the handler sees exactly what node does).
 */
export function describeSpawnCall(api: SpawnerName, argv: readonly unknown[]): SpawnCall | undefined {
  const first = argv[0];
  const isUrl = api === 'fork' && first instanceof URL;
  if (typeof first !== 'string' && !isUrl) return undefined;
  const head = String(first);
  if (api === 'exec' || api === 'execSync') {
    const second = argv[1];
    const options = ownOptions(typeof second === 'object' ? second : undefined);
    const callbackIndex = typeof second === 'function' ? 1 : typeof argv[2] === 'function' ? 2 : -1;
    const file = typeof options['shell'] === 'string' ? options['shell'] : '/bin/sh';
    return finish(api, file, ['-c', head], head, options, api === 'exec' ? callbackIndex : -1);
  }
  // execFile / spawn / fork share node's "args array is optional" normalisation.
  let args: string[] = [];
  let optionsIndex = 1;
  if (safeArrayIsArray(argv[1])) {
    args = toStrings(argv[1] as readonly unknown[]);
    optionsIndex = 2;
  } else if (argv[1] === undefined || argv[1] === null) {
    optionsIndex = 2;
  }
  const rawOptions = argv[optionsIndex];
  const options = ownOptions(typeof rawOptions === 'object' ? rawOptions : undefined);
  let callbackIndex = -1;
  if (api === 'execFile') {
    for (let i = 1; i < argv.length && i <= 3; i++) if (typeof argv[i] === 'function') callbackIndex = i;
  }
  const shell = api === 'fork' ? undefined : options['shell'];
  if (shell !== undefined && shell !== null && shell !== false && shell !== '') {
    // node joins with a space, unquoted: exactly why `shell: true` with user input is injectable.
    const command = joinWords([head, ...args]);
    return finish(api, typeof shell === 'string' ? shell : '/bin/sh', ['-c', command], command, options, callbackIndex);
  }
  return finish(api, head, args, api === 'fork' ? null : shellScriptOf(head, args), options, callbackIndex);
}

/**
 * @internal
 * The script a shell program will run when invoked directly, e.g. `spawn('bash', ['-lc', script])` or
 * `execFile('/usr/bin/env', ['sh', '-c', script])`; `null` for anything else (a script file, stdin, not a shell).
 */
export function shellScriptOf(file: string, args: readonly string[]): string | null {
  let program = file;
  let rest = args;
  if (baseName(program) === 'env') {
    let i = 0;
    while (i < rest.length) {
      const arg = rest[i] ?? '';
      if (ENV_VALUE_OPTIONS.has(arg)) i += 2;
      else if (arg.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) i += 1;
      else break;
    }
    if (i >= rest.length) return null;
    program = rest[i] ?? '';
    rest = rest.slice(i + 1);
  }
  if (!SHELLS.has(baseName(program))) return null;
  return commandStringOperand(rest);
}

/** @internal The shell that interprets `call.script`, as invoked (`/bin/sh`, `bash`): it names itself in error messages. */
export function shellOf(call: SpawnCall): string {
  if (baseName(call.file) === 'env') {
    for (const arg of call.args) if (SHELLS.has(baseName(arg))) return arg;
  }
  return call.file;
}

function commandStringOperand(args: readonly string[]): string | null {
  let sawC = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--' || arg === '-') return sawC ? (args[i + 1] ?? null) : null;
    if (arg.startsWith('--')) {
      if (arg === '--rcfile' || arg === '--init-file') i += 1;
      continue;
    }
    if ((arg.startsWith('-') || arg.startsWith('+')) && arg.length > 1) {
      // A cluster such as `-lc`, `-ec`, `-euo pipefail`: `c` makes the first operand the script, `o` takes a value.
      if (arg.startsWith('-') && arg.includes('c')) sawC = true;
      if (arg.includes('o')) i += 1;
      continue;
    }
    return sawC ? arg : null;
  }
  return null;
}

function finish(
  api: SpawnerName,
  file: string,
  args: readonly string[],
  script: string | null,
  options: Record<string, unknown>,
  callbackIndex: number,
): SpawnCall {
  const texts: string[] = [file, ...args];
  if (script !== null) texts.push(script);
  // node falls back to process.env: a payload stored there earlier reaches the child just the same.
  const env = options['env'] || process.env;
  if (typeof env === 'object' && env !== null) {
    for (const key in env) texts.push(key, String((env as Record<string, unknown>)[key]));
  }
  for (const key of ['cwd', 'argv0', 'execPath'] as const) {
    const value = options[key];
    if (typeof value === 'string' || value instanceof URL) texts.push(String(value));
  }
  const input = options['input'];
  if (typeof input === 'string') texts.push(input);
  else if (ArrayBuffer.isView(input)) texts.push(Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1'));
  if (api === 'fork' && safeArrayIsArray(options['execArgv'])) texts.push(...toStrings(options['execArgv'] as unknown[]));
  return { api, file, args, script, options, callbackIndex, texts };
}

function ownOptions(value: object | null | undefined): Record<string, unknown> {
  return value === null || value === undefined ? {} : { ...value };
}

function toStrings(values: readonly unknown[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) out[i] = String(values[i]);
  return out;
}

function joinWords(words: readonly string[]): string {
  let out = '';
  for (let i = 0; i < words.length; i++) out += (i === 0 ? '' : ' ') + words[i];
  return out;
}

function baseName(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash === -1 ? path : path.slice(slash + 1);
}

/** Keeps recorded effects bounded: a handler may pass megabytes on a command line. */
const MAX_TEXT = 65_536;

/** @internal `text` cut to what a process effect records. */
export function clipProcessText(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…(${text.length - MAX_TEXT} more chars)` : text;
}
