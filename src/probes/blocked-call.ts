import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { Readable, Writable } from 'node:stream';
import { shellOf, type SpawnCall } from './spawn-call.js';

/*
 * What a handler sees when the probe refuses to run a call. Two outcomes:
 * - `succeeded`: the call could not have started a payload-chosen command (no shell and a fixed program, e.g.
 *   `execFile('curl', [payloadUrl])`): the handler sees a plausible success (exit 0, empty output), so it stays on
 *   its real path and its reaction to our block is never mistaken for its own bug;
 * - `failed`: the payload may choose the command (a shell script, a payload-named program). It must look like an ordinary failure node really
 * produces, so the handler takes its normal error path instead of tripping over the harness:
 * - a shell is involved (exec*, shell: true, sh -c): the shell could not find the command, exit status 127 and
 *   `/bin/sh: 1: <name>: not found` on stderr;
 * - no shell (execFile/spawn of a program, fork): the program does not exist, ENOENT, as when a binary is missing
 *   from the Lambda image.
 */

// Captured at load: the handler may replace timers later.
const safeSetImmediate = globalThis.setImmediate;
/** A real shell takes a few milliseconds to fail; code that attaches listeners after an `await` still hears it. */
const ENOENT = -(constants.errno.ENOENT ?? 2);

type Callback = (error: Error | null, stdout: unknown, stderr: unknown) => void;

/** @internal How a refused call ends for the handler; see the module comment. */
export type BlockOutcome = 'succeeded' | 'failed';

/** @internal A child that never started: the failure is delivered through events, like a real one. */
export function blockedChild(
  call: SpawnCall,
  ChildProcessCtor: new () => ChildProcess,
  outcome: BlockOutcome,
  onClose?: () => void,
): ChildProcess {
  const child = new ChildProcessCtor();
  const internals = child as unknown as Record<string, unknown>;
  // Drop the unspawned native handle so kill()/ref()/unref() are harmless no-ops, as after a real exit.
  (internals['_handle'] as { close?: () => void } | null)?.close?.();
  internals['_handle'] = null;
  internals['spawnfile'] = call.file;
  internals['spawnargs'] = [call.file, ...call.args];
  const pipes = [0, 1, 2].map((fd) => isPiped(call, fd));
  const stdin = pipes[0] ? new Writable({ write: (_chunk, _encoding, done) => done() }) : null;
  const stdout = pipes[1] ? new Readable({ read() {} }) : null;
  const stderr = pipes[2] ? new Readable({ read() {} }) : null;
  Object.assign(internals, { stdin, stdout, stderr, stdio: [stdin, stdout, stderr], connected: false });
  if (call.api === 'fork') {
    internals['send'] = (...args: unknown[]) => {
      const callback = args.findLast((a) => typeof a === 'function') as ((e: Error) => void) | undefined;
      const error = Object.assign(new Error('Channel closed'), { code: 'ERR_IPC_CHANNEL_CLOSED' });
      if (callback) safeSetImmediate(() => callback(error));
      return false;
    };
    internals['disconnect'] = () => undefined;
  }
  const shell = call.script !== null;
  // One macrotask later: the handler has attached its listeners by then, and the fuzzing loop is not slowed by a
  // timer per blocked call.
  safeSetImmediate(() => {
    const code = outcome === 'succeeded' ? 0 : shell ? 127 : ENOENT;
    internals['exitCode'] = code;
    if (outcome === 'succeeded') {
      child.emit('spawn');
      child.emit('exit', code, null);
    } else if (shell) {
      child.emit('spawn');
      const text = notFoundText(call);
      if (stderr) stderr.push(Buffer.from(text));
      else if (stdioSlot(call, 2) === 'inherit') process.stderr.write(text);
      child.emit('exit', code, null);
    } else if (child.listenerCount('error') > 0) {
      // Real node would throw on an unheard 'error'; a probe must never be what crashes the handler.
      child.emit('error', enoent(call, 'spawn'));
    }
    // As node does when a child exits (or never started): its stdin pipe is destroyed. Libraries that wait for
    // every stdio stream to finish (execa) hung until the deadline on a stdin that never closed.
    stdin?.destroy();
    stdout?.push(null);
    stderr?.push(null);
    safeSetImmediate(() => {
      child.emit('close', code, null);
      onClose?.();
    });
  });
  return child;
}

/** @internal `exec` / `execFile`: the child, and the callback with node's error shape once it "exits". */
export function blockedWithCallback(
  call: SpawnCall,
  ChildProcessCtor: new () => ChildProcess,
  outcome: BlockOutcome,
  callback: Callback | undefined,
): ChildProcess {
  return blockedChild(call, ChildProcessCtor, outcome, () => {
    if (callback === undefined) return;
    if (outcome === 'succeeded') {
      const empty = asyncOutput(call, '');
      callback(null, empty, empty);
      return;
    }
    const { error, stdout, stderr } = asyncFailure(call);
    callback(error, stdout, stderr);
  });
}

/** @internal The `util.promisify` form of `exec` / `execFile`: rejects like node's, with `stdout`/`stderr` and `.child`. */
export function blockedPromise(
  call: SpawnCall,
  ChildProcessCtor: new () => ChildProcess,
  outcome: BlockOutcome,
): Promise<unknown> & { child: ChildProcess } {
  let reject: (e: unknown) => void = () => undefined;
  let resolve: (value: unknown) => void = () => undefined;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  }) as Promise<unknown> & { child: ChildProcess };
  promise.child = blockedChild(call, ChildProcessCtor, outcome, () => {
    if (outcome === 'succeeded') {
      const empty = asyncOutput(call, '');
      resolve({ stdout: empty, stderr: empty });
      return;
    }
    const { error, stdout, stderr } = asyncFailure(call);
    reject(Object.assign(error, { stdout, stderr }));
  });
  return promise;
}

/** @internal `spawnSync`: the result object node returns. */
export function blockedSpawnSyncResult(call: SpawnCall, outcome: BlockOutcome): Record<string, unknown> {
  if (outcome === 'succeeded') {
    const empty = syncOutput(call, '');
    return { status: 0, signal: null, output: [null, empty, empty], pid: 0, stdout: empty, stderr: empty };
  }
  if (call.script === null) {
    return { error: enoent(call, 'spawnSync'), status: null, signal: null, output: null, pid: 0, stdout: null, stderr: null };
  }
  const stdout = syncOutput(call, '');
  const stderr = syncOutput(call, notFoundText(call));
  return { status: 127, signal: null, output: [null, stdout, stderr], pid: 0, stdout, stderr };
}

/** @internal `execSync` / `execFileSync`: the error node throws (and, like node, echoes stderr when stdio is not set). */
export function blockedSyncError(call: SpawnCall): Error {
  const result = blockedSpawnSyncResult(call, 'failed');
  const failure = result['error'];
  if (failure instanceof Error) return Object.assign(failure, result);
  const text = notFoundText(call);
  if (call.options['stdio'] === undefined) process.stderr.write(text);
  const command = call.api === 'execSync' ? (call.script ?? '') : [call.file, ...call.args].join(' ');
  return Object.assign(new Error(`Command failed: ${command}\n${text}`), result);
}

/** @internal What `execSync` / `execFileSync` return for a `succeeded` block: empty stdout, as node would type it. */
export function blockedSyncOutput(call: SpawnCall): unknown {
  return syncOutput(call, '');
}

/** exec/execFile callbacks default to utf8 strings, unlike the sync forms. */
function asyncOutput(call: SpawnCall, text: string): unknown {
  return wantsStrings(call.options['encoding'] ?? 'utf8') ? text : Buffer.from(text);
}

function asyncFailure(call: SpawnCall): { error: Error; stdout: unknown; stderr: unknown } {
  const out = (text: string): unknown => asyncOutput(call, text);
  if (call.script === null) {
    const error = Object.assign(enoent(call, 'spawn'), { cmd: [call.file, ...call.args].join(' ') });
    return { error, stdout: out(''), stderr: out('') };
  }
  const text = notFoundText(call);
  const error = Object.assign(new Error(`Command failed: ${call.script}\n${text}`), {
    code: 127,
    killed: false,
    signal: null,
    cmd: call.script,
  });
  return { error, stdout: out(''), stderr: out(text) };
}

function enoent(call: SpawnCall, syscall: 'spawn' | 'spawnSync'): Error {
  return Object.assign(new Error(`${syscall} ${call.file} ENOENT`), {
    errno: ENOENT,
    code: 'ENOENT',
    syscall: `${syscall} ${call.file}`,
    path: call.file,
    spawnargs: [...call.args],
  });
}

/** What the shell itself prints; each shell words it differently. @internal Also recorded on the effect. */
export function notFoundText(call: SpawnCall): string {
  const shell = shellOf(call);
  const name = /[^\s;&|<>()]+/.exec(call.script ?? call.file)?.[0] ?? call.file;
  const base = shell.slice(shell.lastIndexOf('/') + 1);
  if (base === 'bash') return `${shell}: line 1: ${name}: command not found\n`;
  if (base === 'zsh') return `zsh:1: command not found: ${name}\n`;
  return `${shell}: 1: ${name}: not found\n`;
}

function syncOutput(call: SpawnCall, text: string): unknown {
  return wantsStrings(call.options['encoding']) ? text : Buffer.from(text);
}

function wantsStrings(encoding: unknown): boolean {
  return typeof encoding === 'string' && encoding !== 'buffer' && Buffer.isEncoding(encoding);
}

function stdioSlot(call: SpawnCall, fd: number): unknown {
  const stdio = call.options['stdio'];
  if (typeof stdio === 'string') return stdio;
  if (Array.isArray(stdio)) return stdio[fd] ?? 'pipe';
  // fork inherits the parent's stdio unless `silent`; everything else pipes.
  if (call.api === 'fork') return call.options['silent'] === true ? 'pipe' : 'inherit';
  return 'pipe';
}

function isPiped(call: SpawnCall, fd: number): boolean {
  const slot = stdioSlot(call, fd);
  return slot === 'pipe' || slot === 'overlapped' || slot === null || slot === undefined;
}
