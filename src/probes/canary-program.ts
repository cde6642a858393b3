import type { CanaryEffect } from '../core/index.js';
import { chmodSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CANARY_PATTERN, CANARY_PROGRAM_NAME } from '../core/index.js';
import { createTempLog } from './log-tail.js';


/** @internal A harmless program on PATH that only writes down its arguments. */
export interface CanaryProgram {
  /** The temp directory holding the program and its log. */
  readonly dir: string;
  /** Puts the program first on `process.env.PATH` again (the runner may have replaced the environment). */
  ensureOnPath(): void;
  /** Forgets log lines written so far, so the next `drain` only sees the current invocation. */
  skipToEnd(): void;
  /** One effect per distinct token in the log lines written since the last `skipToEnd`/`drain`. */
  drain(): CanaryEffect[];
  /** Removes the directory; also runs on process exit. */
  dispose(): void;
}

const GLOBAL_TOKENS = new RegExp(CANARY_PATTERN.source, 'g');

/**
 * @internal
 * Creates `efz-canary-XXXXXX/efzcanary` under the OS temp dir and puts it on PATH. Only used with `--allow-exec`:
 * without it, commands carrying a token are blocked and the program could never run with one.
 */
export function createCanaryProgram(): CanaryProgram {
  const { dir, file: log, dispose, readNew } = createTempLog('efz-canary-', 'calls.log');
  const program = join(dir, CANARY_PROGRAM_NAME);
  // One short append per call: O_APPEND writes this small are atomic, so concurrent calls do not interleave.
  writeFileSync(program, `#!/bin/sh\n# eventfuzz canary program: records its arguments, does nothing else.\nprintf '%s\\n' "$*" >> ${shellQuote(log)}\n`);
  chmodSync(program, 0o755);

  return {
    dir,
    ensureOnPath() {
      const path = process.env['PATH'] ?? '';
      if (!path.startsWith(dir + delimiter) && path !== dir) process.env['PATH'] = path === '' ? dir : dir + delimiter + path;
    },
    skipToEnd() {
      readNew();
    },
    drain() {
      const effects: CanaryEffect[] = [];
      const seen = new Set<string>();
      for (const line of readNew().split('\n')) {
        for (const match of line.matchAll(GLOBAL_TOKENS)) {
          if (seen.has(match[0])) continue;
          seen.add(match[0]);
          effects.push({ kind: 'canary', via: 'program', token: match[0], detail: `${CANARY_PROGRAM_NAME} ${line}`.trim() });
        }
      }
      return effects;
    },
    dispose,
  };
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
