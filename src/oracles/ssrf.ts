import type { Finding, NetworkEffect } from '../core/index.js';
import type { OracleContext } from './types.js';
import { redact } from './redact.js';
import { defineOracle } from './types.js';

/**
 * Cloud metadata and credential endpoints, in the normalised spelling the network probe records (`host` of a
 * `NetworkEffect`: dotted IPv4, RFC 5952 IPv6, IPv4-mapped forms as IPv4). Kept equal to the probe's
 * `METADATA_ADDRESSES` by a unit test: oracles import only `src/core`.
 * @internal
 */
export const METADATA_HOSTS: readonly string[] = [
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  'fd00:ec2::254',
  'fd00:ec2::23',
  '100.100.100.200',
  '192.0.0.192',
];
const METADATA_NAMES = ['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal'];

type Reason = 'host-token' | 'payload-url' | 'metadata';

/**
 * Server-side request forgery (CWE-918): the handler opened a connection to a destination **this case's payload
 * chose**, i.e. the payload controls the host (or scheme and port) of the request. One of:
 * - the host carries this case's canary (`<canary>.canary.invalid`, or the payload spliced into a host name);
 * - the request URL is the payload's URL: same host (normalised: `127.1` is `127.0.0.1`) and port, and its
 *   path and query start with the payload's path and carry the canary (so `${url}/notify` counts, while a fixed
 *   local service that happens to share the host does not);
 * - the host is a cloud metadata address (any spelling, normalised by the probe) while this case injects an
 *   `ssrf` payload or a payload whose URL points there: no handler has a fixed reason to call it.
 *
 * Not SSRF: a fixed destination with the canary only in its path, query or body (`https://api.example.com/v1/
 * lookup?q=<payload>`). The handler chose where to connect and merely forwards data, which is its job; reporting
 * it would flag every webhook or API client, so it yields no finding here (injection into that API is the concern
 * of the oracle for whatever the API does with it). By default the probe still refuses such requests, so no
 * fuzzing traffic leaves the machine.
 *
 * Every finding is `confirmed`: a probe saw the connection attempt (blocked or not). Severity is critical for a
 * metadata address (role credentials), high otherwise. Signature: call site and API, one finding per pair.
 */
export const ssrf = defineOracle({
  id: 'ssrf',
  description: "The handler connected to a destination this case's payload chose: a canary host, the payload's URL, or a cloud metadata address.",
  check(observation, context) {
    // Most invocations connect nowhere: parse the payload as a URL only when there is a connection to judge.
    if (!(observation.effects ?? []).some((effect) => effect.kind === 'network')) return [];
    const token = context.case.canary;
    const injection = context.case.injection;
    const payloadUrl = injection === null ? undefined : parseDestination(injection.payload);
    const ssrfCase = injection !== null && (injection.family === 'ssrf' || (payloadUrl !== undefined && isMetadata(payloadUrl.host)));
    const bySignature = new Map<string, Finding>();
    for (const effect of observation.effects ?? []) {
      if (effect.kind !== 'network') continue;
      const reason = reasonFor(effect, token, payloadUrl, ssrfCase);
      if (reason === undefined) continue;
      const finding = toFinding(effect, reason, context);
      const known = bySignature.get(finding.signature);
      if (known === undefined || (known.severity !== 'critical' && finding.severity === 'critical')) bySignature.set(finding.signature, finding);
    }
    return [...bySignature.values()];
  },
});

interface Destination {
  readonly host: string;
  readonly port: number;
  /** Path and query. */
  readonly target: string;
}

function reasonFor(effect: NetworkEffect, token: string, payloadUrl: Destination | undefined, ssrfCase: boolean): Reason | undefined {
  const requested = effect.url === null ? undefined : parseDestination(effect.url);
  if (effect.host.includes(token) || (requested !== undefined && requested.host.includes(token))) return 'host-token';
  if (isMetadata(effect.host) && (ssrfCase || (effect.url ?? '').includes(token))) return 'metadata';
  if (payloadUrl === undefined || requested === undefined || !(effect.url ?? '').includes(token)) return undefined;
  const samePlace = requested.host === payloadUrl.host && requested.port === payloadUrl.port;
  const payloadPath = payloadUrl.target.split('?')[0] ?? '/';
  return samePlace && requested.target.startsWith(payloadPath) ? 'payload-url' : undefined;
}

function toFinding(effect: NetworkEffect, reason: Reason, context: OracleContext): Finding {
  const token = context.case.canary;
  const metadata = isMetadata(effect.host);
  const where = effect.url ?? `${effect.host}${effect.port === null ? '' : `:${effect.port}`}`;
  const why: Record<Reason, string> = {
    'host-token': `the host carries this case's canary ${token}: the payload chose it`,
    'payload-url': "the request goes to the host and port of the payload's URL, with its path and this case's canary",
    metadata: `${effect.host} is a cloud metadata address, reached while this case injected an SSRF payload`,
  };
  const lines = [
    `${effect.api} tried to connect to ${where} (host ${effect.host}); ${effect.blocked ? 'eventfuzz blocked it, so nothing was sent' : 'it was allowed through'}.`,
    `why SSRF: ${why[reason]}.`,
  ];
  if (context.case.injection !== null) lines.push(`payload: ${context.case.injection.payload}`);
  lines.push(`call site: ${effect.callSite}`);
  return {
    oracle: 'ssrf',
    confidence: 'confirmed',
    severity: metadata ? 'critical' : 'high',
    title: metadata ? `SSRF to the cloud metadata service via ${effect.api}` : `SSRF: payload-chosen destination reached via ${effect.api}`,
    evidence: redact(lines.join('\n'), context.secrets),
    signature: `${effect.callSite}|${effect.api}`.split(token).join('<canary>'),
  };
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/**
 * Host, port and target of a URL as an HTTP client would send it; a scheme-relative `//host/…` is read as http.
 * WHATWG parsing already turns `2852039166`, `0xa9fea9fe` or `127.1` into dotted IPv4; brackets are dropped and
 * the IPv4-mapped IPv6 form becomes its IPv4 address, matching what the probe records.
 */
function parseDestination(text: string): Destination | undefined {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed.startsWith('//') ? `http:${trimmed}` : trimmed);
  } catch {
    return undefined;
  }
  if (url.hostname === '') return undefined;
  let host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped !== null) {
    const high = parseInt(mapped[1] ?? '0', 16);
    const low = parseInt(mapped[2] ?? '0', 16);
    host = [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  const port = url.port === '' ? (DEFAULT_PORTS[url.protocol] ?? 0) : Number(url.port);
  return { host, port, target: url.pathname + url.search };
}

function isMetadata(host: string): boolean {
  return METADATA_HOSTS.includes(host) || METADATA_NAMES.includes(host) || host.startsWith('169.254.');
}
