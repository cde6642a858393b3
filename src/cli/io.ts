import { colorEnabled } from './color.js';

/** Where the CLI writes: injected so tests capture output instead of spawning processes. */
export interface CliIo {
  /** Results (NDJSON events, the findings summary): what a user pipes. */
  readonly stdout: (text: string) => void;
  /** Progress, warnings and errors. */
  readonly stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal (live progress line) or a log (plain lines). */
  readonly interactive: boolean;
  /** Whether each stream gets colour (see colorEnabled); absent: neither does. */
  readonly color?: { readonly stdout: boolean; readonly stderr: boolean } | undefined;
  readonly cwd: string;
  /** Aborted on Ctrl-C: a campaign stops, finishes in-flight work and still writes its reports. */
  readonly signal?: AbortSignal | undefined;
  /** True once whoever reads stdout has gone away (`eventfuzz generate | head`): commands stop producing output. */
  readonly stdoutClosed?: (() => boolean) | undefined;
}

export function processIo(signal?: AbortSignal): CliIo {
  // Bound now, before any runner starts: the in-process runner captures process.std*.write while a handler
  // runs, and eventfuzz's own progress and findings must never end up in the handler's logs.
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  // A closed pipe is the reader saying "enough", not a failure: without a listener Node would throw EPIPE as an
  // uncaught error with a stack. Any other write error still is one.
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
  });
  return {
    stdout: (text) => {
      if (!stdoutClosed) writeOut(text);
    },
    stderr: (text) => writeErr(text),
    interactive: process.stderr.isTTY === true && process.env['CI'] === undefined,
    color: { stdout: colorEnabled(process.stdout), stderr: colorEnabled(process.stderr) },
    cwd: process.cwd(),
    signal,
    stdoutClosed: () => stdoutClosed,
  };
}
