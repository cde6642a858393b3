/**
 * Where a JSON text first goes wrong. Node 20's `JSON.parse` errors often carry no position
 * (`Unexpected token '}', "{"a":}" is not valid JSON`), and a user fixing a sample file needs a line and column.
 * This scanner follows RFC 8259 and only runs after `JSON.parse` has failed, so it favours brevity over speed.
 */

/** Line and column (both 1-based) and the 0-based offset of the first syntax error in `text`. */
export interface JsonErrorLocation {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * The location of the first syntax error in `text`, or `undefined` when the scanner finds none.
 * @internal
 */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  const scanner = new Scanner(text);
  const offset = scanner.document();
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { offset, line, column: offset - before.lastIndexOf('\n') };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_CHUNK = /[^"\\\u0000-\u001f]+|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** Each method returns the offset of an error, or `undefined` once it has consumed a valid value. */
class Scanner {
  #at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  document(): number | undefined {
    const error = this.#value(0);
    if (error !== undefined) return error;
    this.#skipWhitespace();
    return this.#at < this.#text.length ? this.#at : undefined;
  }

  #value(depth: number): number | undefined {
    this.#skipWhitespace();
    const c = this.#text[this.#at];
    if (c === '{') return this.#container(depth, '}', true);
    if (c === '[') return this.#container(depth, ']', false);
    if (c === '"') return this.#string();
    for (const literal of ['true', 'false', 'null']) {
      if (this.#text.startsWith(literal, this.#at)) {
        this.#at += literal.length;
        return undefined;
      }
    }
    return this.#sticky(NUMBER) ? undefined : this.#at;
  }

  #container(depth: number, close: '}' | ']', keyed: boolean): number | undefined {
    if (depth > 5000) return this.#at; // JSON.parse has failed anyway; stop before the stack does
    this.#at++;
    this.#skipWhitespace();
    if (this.#text[this.#at] === close) {
      this.#at++;
      return undefined;
    }
    for (;;) {
      if (keyed) {
        this.#skipWhitespace();
        if (this.#text[this.#at] !== '"') return this.#at;
        const keyError = this.#string();
        if (keyError !== undefined) return keyError;
        this.#skipWhitespace();
        if (this.#text[this.#at] !== ':') return this.#at;
        this.#at++;
      }
      const error = this.#value(depth + 1);
      if (error !== undefined) return error;
      this.#skipWhitespace();
      const next = this.#text[this.#at];
      if (next === close) {
        this.#at++;
        return undefined;
      }
      if (next !== ',') return this.#at;
      this.#at++;
    }
  }

  #string(): number | undefined {
    this.#at++;
    while (this.#sticky(STRING_CHUNK));
    if (this.#text[this.#at] !== '"') return this.#at;
    this.#at++;
    return undefined;
  }

  #skipWhitespace(): void {
    this.#sticky(WHITESPACE);
  }

  #sticky(pattern: RegExp): boolean {
    pattern.lastIndex = this.#at;
    const match = pattern.exec(this.#text);
    if (match === null || match[0] === '') return false;
    this.#at += match[0].length;
    return true;
  }
}
