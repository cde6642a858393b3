/**
 * A small lexer for POSIX sh, enough to tell which command each character of a script belongs to: it tracks
 * quoting (', ", `\`, `$'…'`), substitutions (`$(…)`, backticks, `${…}`, `$((…))`), comments, redirections and
 * the operators that start a new command (`;` `&&` `||` `|` `&` newline `(`). Pure; an approximation of sh,
 * not a parser (no here-documents, aliases or `case` pattern lists).
 */

/** @internal One simple command: how it began and which word names the program. */
export interface Command {
  /** What started it: `start` (the script's beginning), `;`, `&&`, `||`, `|`, `&`, a newline, `$(`, a backtick, `(`. */
  readonly opener: string;
  readonly openerAt: number;
  name: Word | undefined;
  /** After `for`/`case`/`select` no word names a command until the next separator. */
  noName: boolean;
  redirectPending: boolean;
}

/** @internal One shell word, with the role it plays in its command. */
export interface Word {
  readonly start: number;
  end: number;
  role: 'name' | 'argument' | 'assignment' | 'reserved' | 'redirect' | 'io-number';
  readonly command: Command;
}

type Frame =
  | { kind: 'list'; close: ')' | '`' | undefined; command: Command; word: Word | undefined }
  | { kind: 'dquote' }
  | { kind: 'param' }
  | { kind: 'arith'; depth: number };

/** @internal The quoting in force at a character. */
export type Quote = 'none' | 'single' | 'double' | 'comment';

/** @internal What the lexer knows about one character of the script. */
export interface CharInfo {
  readonly word: Word | undefined;
  readonly quote: Quote;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time', 'esac']);
const LOOP_HEADS = new Set(['for', 'case', 'select']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

/** @internal Lexes `script` and returns, for each character, its quoting and the word (so the command) it belongs to. */
export function lexShell(script: string): CharInfo[] {
  const info: CharInfo[] = [];
  const top: Frame = { kind: 'list', close: undefined, command: newCommand('start', -1), word: undefined };
  const stack: Frame[] = [top];
  const list = (): Extract<Frame, { kind: 'list' }> => {
    for (let k = stack.length - 1; k >= 0; k--) {
      const frame = stack[k];
      if (frame?.kind === 'list') return frame;
    }
    return top as Extract<Frame, { kind: 'list' }>;
  };
  const ensureWord = (at: number): Word => {
    const frame = list();
    frame.word ??= { start: at, end: at, role: 'argument', command: frame.command };
    return frame.word;
  };
  const mark = (from: number, to: number, quote: Quote = 'none'): void => {
    const word = quote === 'comment' ? undefined : ensureWord(from);
    for (let k = from; k < to && k < script.length; k++) info[k] = { word, quote };
  };
  const finishWord = (at: number): void => {
    const frame = list();
    const word = frame.word;
    if (word === undefined) return;
    frame.word = undefined;
    word.end = at;
    const command = word.command;
    const raw = script.slice(word.start, at);
    if (command.redirectPending) {
      word.role = 'redirect';
      command.redirectPending = false;
    } else if (command.name === undefined && !command.noName) {
      if (ASSIGNMENT.test(raw)) word.role = 'assignment';
      else if (RESERVED.has(raw) || LOOP_HEADS.has(raw)) {
        word.role = 'reserved';
        command.noName = LOOP_HEADS.has(raw);
      } else {
        word.role = 'name';
        command.name = word;
      }
    }
  };
  const startCommand = (opener: string, at: number): void => {
    finishWord(at);
    list().command = newCommand(opener, at);
  };
  const pushList = (close: ')' | '`', opener: string, at: number): void => {
    ensureWord(at);
    stack.push({ kind: 'list', close, command: newCommand(opener, at), word: undefined });
  };

  let i = 0;
  while (i < script.length) {
    const frame = stack[stack.length - 1] ?? top;
    const c = script[i] ?? '';
    const next = script[i + 1] ?? '';
    const inList = frame.kind === 'list';
    // Constructs shared by unquoted text, "…" and ${…}.
    if (c === '\\' && frame.kind !== 'arith') {
      if (inList && next === '\n') {
        i += 2; // line continuation: the word goes on
        continue;
      }
      mark(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '$' && next === '(' && script[i + 2] === '(') {
      mark(i, i + 3);
      stack.push({ kind: 'arith', depth: 0 });
      i += 3;
      continue;
    }
    if (c === '$' && next === '(') {
      mark(i, i + 2);
      pushList(')', '$(', i);
      i += 2;
      continue;
    }
    if (c === '$' && next === '{' && frame.kind !== 'arith') {
      mark(i, i + 2);
      stack.push({ kind: 'param' });
      i += 2;
      continue;
    }
    if (c === '`' && frame.kind !== 'arith') {
      if (inList && frame.close === '`') {
        finishWord(i);
        stack.pop();
        mark(i, i + 1);
      } else {
        mark(i, i + 1);
        pushList('`', '`', i);
      }
      i += 1;
      continue;
    }
    if (frame.kind === 'dquote') {
      mark(i, i + 1, 'double');
      if (c === '"') stack.pop();
      i += 1;
      continue;
    }
    if (frame.kind === 'arith') {
      mark(i, i + 1);
      if (c === '(') frame.depth += 1;
      else if (c === ')' && frame.depth > 0) frame.depth -= 1;
      else if (c === ')') {
        if (next === ')') mark(i + 1, i + 2);
        stack.pop();
        i += next === ')' ? 2 : 1;
        continue;
      }
      i += 1;
      continue;
    }
    if (c === "'" || (c === '$' && next === "'")) {
      // '…' is literal to the end; $'…' too, except that \' does not end it.
      const ansi = c === '$';
      let end = i + (ansi ? 2 : 1);
      while (end < script.length && script[end] !== "'") end += ansi && script[end] === '\\' ? 2 : 1;
      mark(i, end + 1, 'single');
      i = end + 1;
      continue;
    }
    if (c === '"') {
      mark(i, i + 1);
      stack.push({ kind: 'dquote' });
      i += 1;
      continue;
    }
    if (frame.kind === 'param') {
      mark(i, i + 1);
      if (c === '}') stack.pop();
      i += 1;
      continue;
    }
    // Unquoted text in a command list: operators, blanks, comments and plain word characters.
    if (c === '#' && frame.word === undefined) {
      let end = i;
      while (end < script.length && script[end] !== '\n') end += 1;
      mark(i, end, 'comment');
      i = end;
      continue;
    }
    if (c === ' ' || c === '\t') {
      finishWord(i);
      i += 1;
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || (c === '&' && next !== '>')) {
      const two = next === c || (c === '|' && next === '&') || (c === ';' && next === '&');
      startCommand(two ? c + next : c, i);
      i += two ? 2 : 1;
      continue;
    }
    // `(` opens a subshell only where a command starts; after a command name or inside a word (`CONCAT('x')`)
    // the shell rejects the script as a syntax error and runs nothing, so it is plain text here.
    if (c === '(' && frame.word === undefined && frame.command.name === undefined) {
      finishWord(i);
      pushList(')', '(', i);
      frame.word = undefined; // a subshell is not part of a word
      i += 1;
      continue;
    }
    if (c === ')') {
      finishWord(i);
      if (frame.close === ')') stack.pop();
      else startCommand(')', i); // the end of a `case` pattern
      i += 1;
      continue;
    }
    if (c === '<' || c === '>' || c === '&') {
      const word = frame.word;
      if (word !== undefined && /^\d+$/.test(script.slice(word.start, i))) {
        word.role = 'io-number'; // `2>&1`: the digits belong to the operator, not the argument list
        frame.word = undefined;
      } else finishWord(i);
      let end = i + 1;
      while (end < script.length && '<>&|-'.includes(script[end] ?? '') && end - i < 3) end += 1;
      frame.command.redirectPending = true;
      i = end;
      continue;
    }
    mark(i, i + 1);
    i += 1;
  }
  finishWord(script.length);
  // Substitutions left open at the end still had their words started; close them too.
  while (stack.length > 1) {
    stack.pop();
    finishWord(script.length);
  }
  return info;
}

function newCommand(opener: string, openerAt: number): Command {
  return { opener, openerAt, name: undefined, noName: false, redirectPending: false };
}

