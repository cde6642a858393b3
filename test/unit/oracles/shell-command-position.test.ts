import { describe, expect, it } from 'vitest';
import { shellCommandPosition } from '../../../src/oracles/shell-command-position.js';

const T = 'efzabcdef012345';

describe('shellCommandPosition', () => {
  // [label, script, payload (injected text, when known), expected command position]
  it.each<[string, string, string | undefined, boolean]>([
    // The payload starts a command of its own.
    ['`;` after the handler argument', `convert uploads/a; echo ${T}$((6*7)) out.png`, undefined, true],
    ['quote breakout, trailing quote commented out', `cat 'a'; echo ${T}$((6*7)) #'`, undefined, true],
    ['$(…) inside double quotes still runs', `echo "$(echo ${T})"`, undefined, true],
    ['backticks', `echo \`echo ${T}\``, undefined, true],
    ['backticks inside double quotes', `echo "a \`echo ${T}\` b"`, undefined, true],
    ['&&', `ls && echo ${T}`, undefined, true],
    ['||', `ls || echo ${T}`, undefined, true],
    ['pipe', `ls | echo ${T}`, undefined, true],
    ['background &', `sleep 1 & echo ${T}`, undefined, true],
    ['newline', `ls\necho ${T}`, undefined, true],
    ['subshell', `(echo ${T})`, undefined, true],
    ['subshell inside $(…)', `echo $( (echo ${T}) )`, undefined, true],
    ['inside if/then', `if true; then echo ${T}; fi`, undefined, true],
    ['$(…) as a double-quoted argument', `grep "$(printf %s ${T})" file`, undefined, true],
    ['the token names the command', `${T}`, undefined, true],
    ['command name after an assignment', `FOO=1 ${T} --flag`, undefined, true],
    ['command name after a pipe', `cat x | ${T}`, undefined, true],
    ['&> is a redirection, the ; after it separates', `echo x &>/dev/null; echo ${T}`, undefined, true],
    ['payload bounds: the payload wrote the separator', `convert a;echo ${T}$((6*7)) b`, `;echo ${T}$((6*7))`, true],
    ['payload bounds: the payload is the whole command', `efzcanary ${T}`, `efzcanary ${T}`, true],
    ['payload bounds: breakout through the quote', `cat 'a'; echo ${T} #'`, `a'; echo ${T} #`, true],
    ['`(` after a word is a syntax error, not a subshell', `file --brief '/tmp/' UNION SELECT CONCAT('${T}',6*7)-- '`, `' UNION SELECT CONCAT('${T}',6*7)-- `, false],
    ['`(` after a command name is not a subshell either', `echo (${T})`, undefined, false],
    // The token stays text inside a command the handler wrote.
    ['single-quoted separator', `convert 'uploads/a; echo ${T}' out.png`, undefined, false],
    ['double-quoted argument', `grep 'x' -- "${T}"`, undefined, false],
    ['$(…) inside single quotes', `ls '$(echo ${T})'`, undefined, false],
    ['plain argument of the first command', `echo ${T}`, undefined, false],
    ['separator inside double quotes', `echo "a; ${T}"`, undefined, false],
    ['escaped separator', `echo a \\; ${T}`, undefined, false],
    ['escaped $ inside double quotes', `echo "\\$(echo ${T})"`, undefined, false],
    ['escaped quote keeps the double quotes open', `ls -- "a\\"; echo ${T}"`, undefined, false],
    ['in a comment', `ls # ; echo ${T}`, undefined, false],
    ['arithmetic is not a command substitution', `echo $((1 + 2)) ${T}`, undefined, false],
    ['redirection target', `ls > ${T}.txt`, undefined, false],
    ['argument after 2>&1', `ls 2>&1 ${T}`, undefined, false],
    ['variable assignment only', `X=${T} ls`, undefined, false],
    ['quoted argument, the handler wrote the separator after it', `echo '${T}'; ls`, undefined, false],
    ["ANSI-C quoting: \\' does not end $'…'", `printf $'a\\'; echo ${T}'`, undefined, false],
    ['payload bounds: the handler wrote the &&', `cd /tmp && convert ${T} out.png`, T, false],
    ['payload bounds: the handler wrote the $(…)', `echo "$(cat ${T})"`, T, false],
  ])('%s', (_label, script, payload, expected) => {
    // Act
    const verdict = shellCommandPosition(script, T, payload);
    // Assert
    expect(verdict.reachesScript).toBe(true);
    expect(verdict.commandPosition, verdict.reason).toBe(expected);
  });

  it('says so when the token is not in the script', () => {
    expect(shellCommandPosition('echo hello', T)).toEqual({
      reachesScript: false,
      commandPosition: false,
      quoted: false,
      reason: 'the token does not occur in the script',
    });
  });

  it.each([
    ['inside single quotes', `convert 'a; echo ${T}' out.png`, true],
    ['inside double quotes', `grep 'x' -- "${T}"`, true],
    ['quoted in one place, unquoted in another', `cp '${T}' ${T}.bak`, false],
    ['an unquoted argument', `convert uploads/${T}.png out.png`, false],
    ['a redirection target', `echo x > ${T}`, false],
  ])('knows whether the quoting held: %s', (_label, script, quoted) => {
    expect(shellCommandPosition(script, T).quoted).toBe(quoted);
  });

  it('explains a command-position verdict in terms a reader can check', () => {
    const verdict = shellCommandPosition(`convert uploads/a; echo ${T}`, T);
    expect(verdict.reason).toContain('`;`');
    expect(verdict.reason).toContain('`echo`');
  });

  it('explains why a single-quoted token is only text', () => {
    expect(shellCommandPosition(`convert 'a; echo ${T}'`, T).reason).toContain('single quotes');
  });

  it('never throws on unbalanced input', () => {
    for (const script of [`echo "$(${T}`, `'${T}`, `echo \`${T}`, `\${${T}`, `$((${T}`, `${T}\\`, `)) ${T} ((`]) {
      expect(() => shellCommandPosition(script, T)).not.toThrow();
    }
  });
});
