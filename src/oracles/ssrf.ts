import type { UrlDestination } from '../core/destinations.js';
import type { Finding, NetworkEffect } from '../core/index.js';
import { classifyHost, urlDestination } from '../core/destinations.js';
import type { OracleContext } from './types.js';
import { redact } from './redact.js';
import { defineOracle } from './types.js';

type Reason = 'host-token' | 'payload-url' | 'metadata';

/**
 * Server-side request forgery (CWE-918): the handler opened a connection to a destination **this case's payload
 * chose**, i.e. the payload controls the host (or scheme and port) of the request. One of:
 * - the host carries this case's canary (`<canary>.canary.invalid`, or the payload spliced into a host name);
 * - the request URL is the payload's URL: same host (normalised: `127.1` is `127.0.0.1`) and port, and its
 *   path and query start with the payload's path and carry the canary (so `${url}/notify` counts, while a fixed
 *   local service that happens to share the host does not); for a raw socket or datagram, which has no URL,
 *   the same host and port (`net.connect(u.port, u.hostname)` of the payload's URL);
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
  docs: {
    cwe: 'CWE-918',
    securitySeverity: '8.6',
    help: "The handler connected to a destination that the event chose: a host from the payload or a cloud metadata address. From inside the VPC such a request reaches internal services and, through the metadata endpoint, credentials.",
    fix: "Allow only known hosts (compare the parsed URL's hostname with an allowlist), refuse private, loopback and link-local addresses after DNS resolution, and do not follow redirects to other hosts.",
  },
  check(observation, context) {
    // Most invocations connect nowhere: parse the payload as a URL only when there is a connection to judge.
    if (!(observation.effects ?? []).some((effect) => effect.kind === 'network')) return [];
    const token = context.case.canary;
    const injection = context.case.injection;
    const payloadUrl = injection === null ? undefined : urlDestination(injection.payload);
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


function reasonFor(effect: NetworkEffect, token: string, payloadUrl: UrlDestination | undefined, ssrfCase: boolean): Reason | undefined {
  const requested = effect.url === null ? undefined : urlDestination(effect.url);
  if (effect.host.includes(token) || (requested !== undefined && requested.host.includes(token))) return 'host-token';
  if (isMetadata(effect.host) && (ssrfCase || (effect.url ?? '').includes(token))) return 'metadata';
  if (payloadUrl === undefined) return undefined;
  // A raw socket or datagram (no URL: the handler took the payload URL apart and connected to its host and
  // port itself). The probe refuses exactly these, as named by the payload; the port keeps a fixed local
  // database on the payload's host out of it.
  if (effect.url === null) return effect.host === payloadUrl.host && effect.port === payloadUrl.port ? 'payload-url' : undefined;
  if (requested === undefined || !effect.url.includes(token)) return undefined;
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
    'payload-url':
      effect.url === null
        ? "the connection goes to the host and port of the payload's URL"
        : "the request goes to the host and port of the payload's URL, with its path and this case's canary",
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

/** The probe records hosts normalised, so one classification serves both. */
function isMetadata(host: string): boolean {
  return classifyHost(host) === 'metadata';
}
