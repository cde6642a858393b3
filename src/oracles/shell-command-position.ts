/**
 * Where a payload token lands in a shell script: in a command the payload itself started (command injection), or
 * merely as text inside a command the handler wrote. Pure; built on {@link lexShell}.
 */
import type { CharInfo, Word } from './shell-lexer.js';
import { lexShell } from './shell-lexer.js';

/** The answer for one script and token. */
export interface CommandPositionVerdict {
  /** The token occurs in the script at all. */
  readonly reachesScript: boolean;
  /** The token is in a command the payload started, or names the command itself. */
  readonly commandPosition: boolean;
  /**
   * Every occurrence of the token stays inside single or double quotes of an argument the handler wrote: the shell
   * passes it as text, so this case shows quoting that held (no expansion, no word splitting).
   */
  readonly quoted: boolean;
  /** One sentence for the finding's evidence. */
  readonly reason: string;
  /** The command the token's command runs (its name as written), when the payload started that command. */
  readonly program?: string;
}

const OPENER_TEXT: Record<string, string> = {
  '$(': 'a $(…) command substitution, which runs even inside double quotes,',
  '`': 'a `…` command substitution, which runs even inside double quotes,',
  '(': 'a (…) subshell',
  '\n': 'a command started by an unquoted newline',
};

/**
 * Decides whether `token` lands in command position in `script`. When `payload` (the injected text, as the shell
 * received it) is given and found around the token, the command holding the token counts only if the payload
 * contributed its separator, substitution or command name: `cd /tmp && convert efz…` is not injection when the
 * handler wrote the `&&`. Without it (or when it was transformed beyond recognition), any unquoted separator
 * before the token's command counts, which can over-report a handler's own `&&`.
 *
 * Not modelled: here-documents (their bodies are read as commands), aliases, `eval`/`sh -c` inside the script
 * (their quoted arguments are executed later) and `case` patterns beyond the closing `)`. The oracle reports
 * such cases as tainted rather than confirmed.
 */
export function shellCommandPosition(script: string, token: string, payload?: string): CommandPositionVerdict {
  if (token === '' || !script.includes(token)) {
    return { reachesScript: false, commandPosition: false, quoted: false, reason: 'the token does not occur in the script' };
  }
  const info = lexShell(script);
  const spans = payload === undefined || payload === '' ? [] : occurrences(script, payload).map((at) => [at, at + payload.length] as const);
  let first: string | undefined;
  let quoted = true;
  for (const at of occurrences(script, token)) {
    const verdict = judge(script, info, at, token.length, spans);
    if (verdict.commandPosition) return verdict;
    first ??= verdict.reason;
    quoted &&= verdict.quoted;
  }
  return { reachesScript: true, commandPosition: false, quoted, reason: first ?? 'the token is not in command position' };
}

function judge(script: string, info: readonly CharInfo[], at: number, length: number, allSpans: readonly (readonly [number, number])[]): CommandPositionVerdict {
  const here = info[at];
  const no = (reason: string, quoted = false): CommandPositionVerdict => ({ reachesScript: true, commandPosition: false, quoted, reason });
  const yes = (reason: string, program?: string): CommandPositionVerdict => ({ reachesScript: true, commandPosition: true, quoted: false, reason, ...(program === undefined ? {} : { program }) });
  if (here === undefined || here.quote === 'comment' || here.word === undefined) return no('the token is in a # comment');
  const word = here.word;
  const command = word.command;
  const raw = (w: Word): string => script.slice(w.start, w.end);
  if (word.role === 'name') return yes(`the token is in the command name \`${raw(word)}\``);
  const spans = allSpans.filter(([from, to]) => from <= at && at + length <= to);
  const within = (index: number): boolean => spans.some(([from, to]) => index >= from && index < to);
  const started =
    spans.length === 0
      ? command.opener !== 'start'
      : (command.openerAt >= 0 && within(command.openerAt)) || (command.name !== undefined && within(command.name.start));
  const name = command.name === undefined ? 'no command' : `\`${raw(command.name)}\``;
  if (started) {
    const how =
      OPENER_TEXT[command.opener] ??
      (command.opener === 'start' ? `a command the payload wrote` : `a command started by an unquoted \`${command.opener}\``);
    const where = command.openerAt >= 0 ? ` at offset ${command.openerAt}` : '';
    const bounds = spans.length === 0 ? ' (payload bounds unknown: any unquoted separator counts)' : ', inside the payload';
    return yes(`the token is in ${how}${where}${bounds}; it runs ${name}`, command.name === undefined ? undefined : raw(command.name));
  }
  if (word.role === 'redirect') return no(`the token is a redirection target of ${name}`);
  if (word.role === 'assignment') return no('the token is in a variable assignment');
  const quoted =
    here.quote === 'single' ? ' (inside single quotes: passed as text)' : here.quote === 'double' ? ' (inside double quotes)' : '';
  // A token is letters and digits: no quote character inside it, so its first character's quoting is all of it's.
  return no(`the token is an argument of ${name}${quoted}, in a command the payload did not start`, here.quote === 'single' || here.quote === 'double');
}

function occurrences(haystack: string, needle: string): number[] {
  const out: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) out.push(at);
  return out;
}
