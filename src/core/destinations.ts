import { CANARY_PATTERN } from './case.js';

/*
 * Pure: where an outbound connection really goes, and whether eventfuzz may let it. Hosts are normalised the way
 * the OS resolves them, because a raw `net.connect(80, '2852039166')` is not an IP to node (`isIP` says no), so
 * node hands it to getaddrinfo, and glibc parses it with inet_aton: decimal, hex, octal and shortened dotted forms
 * all reach 169.254.169.254. WHATWG URL parsing (http.get(url), fetch) already does the IPv4 part; raw sockets
 * and option objects (`{ hostname }`) do not, so both go through `normalizeHost`.
 */

// Captured at load, before handler code can patch them (STYLE practice 11).
const apply = Reflect.apply;
const regExpExec = RegExp.prototype.exec;
const SafeURL = URL;

/** What kind of place a normalised host is. */
export type HostClass = 'metadata' | 'canary-host' | 'reserved-name' | 'loopback' | 'other';

/**
 * Cloud instance-metadata and credential endpoints, normalised: AWS IMDS (IPv4 and IPv6), ECS task metadata and
 * credentials, EKS Pod Identity, Alibaba, Oracle. The rest of 169.254.0.0/16 (link-local: AWS DNS, NTP) is
 * classed with them: nothing a fuzzed handler may reach.
 */
export const METADATA_ADDRESSES: readonly string[] = [
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  'fd00:ec2::254',
  'fd00:ec2::23',
  '100.100.100.200',
  '192.0.0.192',
];
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);
const CANARY_DOMAIN = 'canary.invalid';
/**
 * Names reserved for documentation and testing (RFC 2606, RFC 6761): `*.example`, `*.test`, `*.invalid` and the
 * `example.com/.net/.org` domains. Sample events conventionally use them (`https://hooks.example.com/orders`), so
 * an unmodified sample would send the handler to real DNS; nothing legitimate lives there.
 */
const RESERVED_SUFFIXES = ['example', 'test', 'invalid', 'example.com', 'example.net', 'example.org'];

/**
 * The address or name the OS connects to for `host`, in one canonical spelling:
 * - IPv4 in any inet_aton form (`2852039166`, `0xa9fea9fe`, `0251.0376.0251.0376`, `169.254.43518`) → dotted decimal;
 * - IPv6 (brackets and zone id dropped) → RFC 5952 text; IPv4-mapped, -compatible and NAT64 (`64:ff9b::/96`)
 *   forms → the embedded IPv4 address, since that is what they reach;
 * - a name → lower case, without the trailing dot(s) of a fully qualified name.
 */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const zone = h.indexOf('%');
  if (zone !== -1 && h.includes(':')) h = h.slice(0, zone);
  while (h.endsWith('.') && h.length > 1) h = h.slice(0, -1);
  const v4 = parseIpv4(h);
  if (v4 !== undefined) return formatIpv4(v4);
  if (h.includes(':')) {
    const groups = parseIpv6(h);
    if (groups !== undefined) {
      const embedded = embeddedIpv4(groups);
      return embedded === undefined ? formatIpv6(groups) : formatIpv4(embedded);
    }
  }
  return h;
}

/** Classifies a host in any spelling (it is normalised first). */
export function classifyHost(host: string): HostClass {
  const h = normalizeHost(host);
  if (METADATA_ADDRESSES.includes(h) || METADATA_NAMES.has(h) || h.startsWith('169.254.')) return 'metadata';
  if (h === CANARY_DOMAIN || h.endsWith(`.${CANARY_DOMAIN}`)) return 'canary-host';
  if (RESERVED_SUFFIXES.some((suffix) => h === suffix || h.endsWith(`.${suffix}`))) return 'reserved-name';
  if (h === 'localhost' || h.endsWith('.localhost') || h.startsWith('127.') || h === '0.0.0.0' || h === '::1' || h === '::') return 'loopback';
  return 'other';
}

/** True when `text` carries a payload token (any case's canary). */
export function carriesToken(text: string | null | undefined): boolean {
  return typeof text === 'string' && apply(regExpExec, CANARY_PATTERN, [text]) !== null;
}

/** Where an http(s) URL goes: scheme, normalised host, effective port. `undefined` when `text` is not one. */
export interface UrlDestination {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  /** Path and query as the parser normalised them (`/latest/meta-data/?x`). */
  readonly target: string;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'ftp:': 21 };

/**
 * Parses `text` as an absolute URL (a scheme-relative `//host/…` is read as `http:`, as a client resolving it
 * against an http base would) and returns its destination. Anything else, e.g. a hostname without a scheme, is
 * `undefined`.
 */
export function urlDestination(text: string): UrlDestination | undefined {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new SafeURL(trimmed.startsWith('//') ? `http:${trimmed}` : trimmed);
  } catch {
    return undefined;
  }
  if (url.hostname === '') return undefined;
  const defaultPort = DEFAULT_PORTS[url.protocol];
  const port = url.port === '' ? (defaultPort ?? 0) : Number(url.port);
  return { scheme: url.protocol, host: normalizeHost(url.hostname), port, target: url.pathname + url.search };
}

/** Why the probe refuses a connection; `null` when it lets it through. */
export type BlockReason = 'metadata' | 'canary-host' | 'reserved-name' | 'token-in-host' | 'token-in-url' | 'payload-named' | null;

/**
 * The probe's policy for one attempt. Always refused: cloud metadata addresses, the canary domain, a host that
 * carries a payload token (nothing legitimate lives there, and a developer laptop on EC2 must never be touched),
 * and reserved documentation/test names (they host no real service; refusing them keeps fuzzing a sample event
 * offline, and the handler sees ENOTFOUND, as DNS answers for most of them). Refused unless `allowExec`: a token only in the path or query, e.g. loopback `http://127.0.0.1/<token>` or a
 * fixed API called with payload data (no fuzzing traffic leaves the machine or reaches local services by default).
 * Refused unless `allowExec` as well: a destination `named` by a token-carrying URL of the payload, reached by an
 * API that no longer sees the URL (`net.connect(port, host)` after the handler took the URL apart): it is the
 * same request as `http://127.0.0.1/<token>`, seen from below.
 */
export function blockReason(host: string, url: string | null, allowExec: boolean, named = false): BlockReason {
  const kind = classifyHost(host);
  if (kind === 'metadata' || kind === 'canary-host' || kind === 'reserved-name') return kind;
  if (carriesToken(host)) return 'token-in-host';
  if (!allowExec && carriesToken(url)) return 'token-in-url';
  if (!allowExec && named) return 'payload-named';
  return null;
}

/** inet_aton: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes. */
function parseIpv4(text: string): number | undefined {
  if (text === '' || !/^[0-9a-fx.]+$/.test(text)) return undefined;
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = part.length === 1 ? 0 : parseInt(part.slice(1), 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = parseInt(part, 10);
    else return undefined;
    if (!Number.isFinite(value)) return undefined;
    values.push(value);
  }
  const last = values[values.length - 1]!;
  const head = values.slice(0, -1);
  if (head.some((v) => v > 255) || last >= 256 ** (4 - head.length)) return undefined;
  let address = last;
  for (let i = 0; i < head.length; i++) address += head[i]! * 256 ** (3 - i);
  return address;
}

function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** Eight 16-bit groups, or `undefined` when `text` is not an IPv6 literal. Accepts a trailing dotted IPv4. */
function parseIpv6(text: string): number[] | undefined {
  let head = text;
  const lastColon = head.lastIndexOf(':');
  const lastPart = head.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    // A trailing dotted IPv4 is two groups: rewrite it as hex and parse one way.
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(lastPart)) return undefined;
    const o = lastPart.split('.').map(Number);
    if (o.some((x) => x > 255)) return undefined;
    head = `${head.slice(0, lastColon + 1)}${(o[0]! * 256 + o[1]!).toString(16)}:${(o[2]! * 256 + o[3]!).toString(16)}`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0] ?? '');
  const right = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (left === undefined || right === undefined) return undefined;
  const given = left.length + right.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  return [...left, ...new Array<number>(8 - given).fill(0), ...right];
}

/** The IPv4 address an IPv6 literal reaches, for mapped (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`) and NAT64 forms. */
function embeddedIpv4(g: readonly number[]): number | undefined {
  const low = (g[6] ?? 0) * 65536 + (g[7] ?? 0);
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return low;
  if (zeros(0, 6) && low > 1) return low; // ::1 and :: stay IPv6
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return low;
  return undefined;
}

/** RFC 5952: lower-case hex, leading zeros dropped, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(g: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
