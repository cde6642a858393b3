import type { Severity } from '../core/index.js';

/** One credential-shaped value found in text, with the spans to mask. */
export interface ShapeMatch {
  readonly index: number;
  readonly length: number;
  /** What identifies the credential, compared with the request and the watched values to rule out reflection. */
  readonly material: readonly string[];
  /** What evidence may say about it without revealing it. */
  readonly description: string;
  /** Every span holding credential text (a key pair is two spans with text between them). */
  readonly spans: readonly (readonly [start: number, end: number])[];
}

/** A generic credential shape: found without knowing the value. Names are part of signatures: keep them stable. */
export interface SecretShape {
  readonly name: string;
  readonly title: string;
  readonly severity: Severity;
  find(text: string): readonly ShapeMatch[];
}

const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
/** A 40-character AWS secret access key: base64 alphabet, not part of a longer run. */
const SECRET_KEY = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
/** How far apart a key id and its secret may be and still be one pair (an env dump, a JSON credentials object). */
const PAIR_WINDOW = 300;
const PEM_HEADER = /^-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/;

function fromPattern(pattern: RegExp, material: (span: string) => string | undefined, describe: (span: string) => string): (text: string) => ShapeMatch[] {
  return (text) => {
    const out: ShapeMatch[] = [];
    // matchAll works on a copy of the global regex, so the shared pattern keeps no state between calls.
    for (const match of text.matchAll(pattern)) {
      const span = match[0];
      const identifying = material(span);
      if (identifying === undefined) continue;
      out.push({ index: match.index, length: span.length, material: [identifying], description: describe(span), spans: [[match.index, match.index + span.length]] });
    }
    return out;
  };
}

/** A git SHA-1 or other hex digest is 40 characters too: a secret key mixes upper and lower case. */
const looksLikeSecretKey = (s: string): boolean => /[a-z]/.test(s) && /[A-Z]/.test(s);

function keyPairs(text: string): ShapeMatch[] {
  const out: ShapeMatch[] = [];
  for (const id of text.matchAll(ACCESS_KEY_ID)) {
    const from = Math.max(0, id.index - PAIR_WINDOW);
    const window = text.slice(from, Math.min(text.length, id.index + id[0].length + PAIR_WINDOW));
    const secret = [...window.matchAll(SECRET_KEY)].find((m) => looksLikeSecretKey(m[0]));
    if (secret === undefined) continue;
    const at = from + secret.index;
    const start = Math.min(id.index, at);
    const end = Math.max(id.index + id[0].length, at + secret[0].length);
    out.push({
      index: start,
      length: end - start,
      material: [id[0], secret[0]],
      description: `${id[0].slice(0, 4)}… key id with a 40-char secret key`,
      spans: [[id.index, id.index + id[0].length], [at, at + secret[0].length]],
    });
  }
  return out;
}

/** Connection strings whose password is a placeholder (`***`, `<password>`, `${DB_PASS}`) reveal nothing. */
const PLACEHOLDER_PASSWORD = /^(?:\*+|x+|<[^>]*>|\{[^}]*\}|\$.*|%s)$/i;
const CONNECTION_STRING = /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|jdbc:[a-z]+):\/\/[^\s:/@"'<>]+:([^\s@"'<>/]+)@[^\s/"'<>]+/g;

function connectionStrings(text: string): ShapeMatch[] {
  const out: ShapeMatch[] = [];
  for (const match of text.matchAll(CONNECTION_STRING)) {
    const password = match[1]!;
    if (PLACEHOLDER_PASSWORD.test(password)) continue;
    const scheme = match[0].slice(0, match[0].indexOf('://'));
    out.push({ index: match.index, length: match[0].length, material: [password], description: `${scheme}:// URL with a ${password.length}-char password`, spans: [[match.index, match.index + match[0].length]] });
  }
  return out;
}

/**
 * The credential shapes `secret-leak` looks for without knowing their values (on a remote target the real
 * credentials are never known): most specific first; a key id that is part of a key pair is reported as the pair.
 */
export const SECRET_SHAPES: readonly SecretShape[] = [
  { name: 'aws-key-pair', title: 'AWS access key id with its secret access key', severity: 'high', find: keyPairs },
  {
    name: 'aws-access-key-id',
    title: 'AWS access key id',
    severity: 'medium',
    find: fromPattern(ACCESS_KEY_ID, (span) => span, (span) => `${span.slice(0, 4)}…, ${span.length} chars`),
  },
  {
    name: 'aws-session-token',
    title: 'AWS session token',
    severity: 'high',
    // STS session tokens start with the base64 of their version header (`IQoJb3JpZ2luX2Vj` is "!\n\torigin_ec").
    find: fromPattern(/(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9+/=]{100,}/g, (span) => span.slice(0, 64), (span) => `${span.slice(0, 4)}…, ${span.length} chars`),
  },
  {
    name: 'private-key',
    title: 'Private key block',
    severity: 'medium',
    // Header, key material (raw or JSON-escaped line breaks), footer when present: all of it gets masked.
    find: fromPattern(
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[A-Za-z0-9+/=\s]|\\[nr])*(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)?/g,
      // Fewer than 16 key characters means prose that merely mentions a key header.
      (span) => /^[A-Za-z0-9+/=]{16,}/.exec(span.replace(PEM_HEADER, '').replace(/\\[nr]|\s/g, ''))?.[0].slice(0, 32),
      (span) => `${PEM_HEADER.exec(span)?.[1] ?? ''}PRIVATE KEY, ${span.length} chars`,
    ),
  },
  {
    name: 'jwt',
    title: 'JSON Web Token',
    severity: 'medium',
    // Header and payload are base64url JSON objects (`eyJ` is `{"`); an unsigned token (`alg: none`) grants nothing.
    find: fromPattern(/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g, (span) => span, (span) => `${span.length} chars, signed`),
  },
  { name: 'connection-string', title: 'Connection string with a password', severity: 'high', find: connectionStrings },
];
