import type { Finding, Observation, Severity, WatchedSecret } from '../core/index.js';
import type { OracleContext } from './types.js';
import type { SecretEncoding, SecretNeedle } from './redact.js';
import type { Haystack, Segment } from './response-text.js';
import { Buffer } from 'node:buffer';
import { safeIndexOf, safeStringify } from '../core/safe-globals.js';
import { masksFor, secretNeedles } from './redact.js';
import { logsHaystack, responseHaystack, segmentAt } from './response-text.js';
import { SECRET_SHAPES } from './secret-shapes.js';
import { defineOracle } from './types.js';

/** Watched values shorter than this are ignored: a 4-character password matches unrelated text and would be noise. */
export const MIN_SECRET_LENGTH = 6;

const EXCERPT_RADIUS = 60;
const SHAPE_MARGIN = 8_192;

interface PreparedSecret {
  readonly secret: WatchedSecret;
  readonly needles: readonly SecretNeedle[];
}

// Keyed by the context's secrets array: the engine builds it once per campaign, so encodings are computed once.
const preparedCache = new WeakMap<readonly WatchedSecret[], readonly PreparedSecret[]>();

function prepare(secrets: readonly WatchedSecret[]): readonly PreparedSecret[] {
  let prepared = preparedCache.get(secrets);
  if (prepared === undefined) {
    prepared = secrets
      .filter((secret) => secret.value.length >= MIN_SECRET_LENGTH)
      .map((secret) => ({ secret, needles: secretNeedles(secret.value) }));
    preparedCache.set(secrets, prepared);
  }
  return prepared;
}

/**
 * A watched secret (canary credential or user secret) appears in the response or the logs, verbatim or encoded
 * (JSON-escaped, URL-encoded, base64 at any alignment inside a larger blob, hex): `confirmed`, critical for canary
 * credentials and high for user secrets. Generic credential shapes (AWS access key ids, private key blocks) that the
 * event did not contain are reported from the response only, `tainted` and medium: a response crosses the trust
 * boundary to the caller, while logs stay in the account and routinely hold SDK and runtime output where shape
 * matching would be mostly noise (known values are matched exactly in logs, so no noise there).
 *
 * A thrown or crashing error is searched with the logs: the runtime writes it there, API Gateway hides it from the
 * caller, and the `crash`/`error-disclosure` oracles own its disclosure. Evidence and titles never carry a secret
 * value: they give the name, length, encoding and a masked excerpt. All watched secrets one destination reveals
 * are one finding (signature `<where>:watched-secrets`); credential shapes are one finding per shape.
 */
export const secretLeak = defineOracle({
  id: 'secret-leak',
  description: 'A watched secret or a credential-shaped value appears in the response or logs, in any common encoding.',
  docs: {
    cwe: 'CWE-200',
    securitySeverity: '7.5',
    help: "A secret of the function (its AWS credentials from the environment, or a watched value) appeared in a response or in the logs. Anyone who can read the response or the log group can then act as the function. Log output counts too (CWE-532).",
    fix: "Never echo `process.env` or error objects that hold configuration into responses or logs; log an allowlist of fields, and keep secrets in Secrets Manager or Parameter Store, read where they are used.",
  },
  check(observation: Observation, context: OracleContext): readonly Finding[] {
    const prepared = prepare(context.secrets);
    const response = responseHaystack(observation.outcome);
    const logs = logsHaystack(observation);
    const findings: Finding[] = [];
    let eventText: string | undefined;
    // JSON-escaped too: the request text is the event serialized, so quotes in a value appear escaped there.
    const reflected = (value: string): boolean => {
      eventText ??= requestText(context);
      const escaped = (safeStringify(value) as string).slice(1, -1);
      return safeIndexOf(eventText, value) >= 0 || safeIndexOf(eventText, escaped) >= 0;
    };
    for (const haystack of [response, logs]) {
      if (haystack.text.length === 0) continue;
      const leaks: Leak[] = [];
      for (const { secret, needles } of prepared) {
        const hit = firstHit(haystack.text, needles);
        // A value the request itself carried coming back is reflection, not a leak of the environment.
        if (hit === undefined || reflected(secret.value)) continue;
        leaks.push(describeLeak(secret, hit.needle.encoding, haystack, hit.index, hit.needle.text.length, context));
      }
      if (leaks.length > 0) findings.push(leakFinding(leaks, haystack));
    }
    findings.push(...genericFindings(context.remote === true ? [response, logs] : [response], context, reflected));
    return findings;
  },
});

function firstHit(text: string, needles: readonly SecretNeedle[]): { needle: SecretNeedle; index: number } | undefined {
  for (const needle of needles) {
    const index = safeIndexOf(text, needle.text);
    if (index >= 0) return { needle, index };
  }
  return undefined;
}

/** One watched secret found in one destination, described without its value. */
interface Leak {
  readonly secret: WatchedSecret;
  readonly label: string;
  readonly evidence: string;
}

function describeLeak(secret: WatchedSecret, encoding: SecretEncoding, haystack: Haystack, index: number, length: number, context: OracleContext): Leak {
  const label = segmentAt(haystack, index).label;
  const how = encoding === 'base64' || encoding === 'base64url' || encoding === 'hex' ? `${encoding}-encoded` : encoding;
  const shown = excerpt(haystack.text, segmentAt(haystack, index), index, length, `«${secret.name}»`, context);
  return { secret, label, evidence: `${secret.name} (${secret.value.length} chars, ${how}) in ${label}: ${shown}` };
}

/**
 * Every watched secret one destination revealed, as one finding: an environment dump that carries three
 * credentials is one bug, not three. Critical when any of them is a canary credential. The signature is the
 * destination only, so the same dump seen again with fewer or other secrets is still the same bug.
 */
function leakFinding(leaks: readonly Leak[], haystack: Haystack): Finding {
  const canary = leaks.some((leak) => leak.secret.kind === 'canary-credential');
  const severity: Severity = canary ? 'critical' : 'high';
  const [first] = leaks as readonly [Leak, ...Leak[]];
  const title =
    leaks.length === 1
      ? `${canary ? 'Canary credential' : 'Secret'} ${first.secret.name} leaked in ${first.label}`
      : `${leaks.length} secrets leaked in ${first.label}: ${leaks.map((leak) => leak.secret.name).join(', ')}`;
  return {
    oracle: 'secret-leak',
    confidence: 'confirmed',
    severity,
    title,
    evidence: leaks.map((leak) => leak.evidence).join('\n'),
    signature: `${haystack.where}:watched-secrets`,
  };
}

/**
 * Credential shapes the request did not carry and no watched value explains, one finding per shape and
 * destination, `tainted` (a shape is not a known secret). The response always; the logs only on a remote target
 * (no effects): there the real credentials are unknown and the log tail is where a handler's dump lands, while a
 * local run plants canary credentials and matches those exactly in the logs, where shapes would mostly meet SDK noise.
 */
function genericFindings(haystacks: readonly Haystack[], context: OracleContext, reflected: (value: string) => boolean): Finding[] {
  const findings: Finding[] = [];
  const watched = context.secrets.map((s) => s.value);
  for (const haystack of haystacks) {
    if (haystack.text.length === 0) continue;
    let pairSeen = false;
    for (const shape of SECRET_SHAPES) {
      // The key id of a reported pair is that pair, not a second finding.
      if (shape.name === 'aws-access-key-id' && pairSeen) continue;
      const match = shape.find(haystack.text).find(
        // A value the request carried is reflection; a watched value is reported above as confirmed, not as a shape.
        (m) => !m.material.some((part) => reflected(part) || watched.some((value) => safeIndexOf(value, part) >= 0)),
      );
      if (match === undefined) continue;
      if (shape.name === 'aws-key-pair') pairSeen = true;
      const segment = segmentAt(haystack, match.index);
      const shown = excerpt(haystack.text, segment, match.index, match.length, `«${shape.name}»`, context);
      findings.push({
        oracle: 'secret-leak',
        confidence: 'tainted',
        severity: shape.severity,
        title: `${shape.title} in ${segment.label} that the request did not contain`,
        evidence: `${shape.title} (${match.description}) in ${segment.label}: ${shown}`,
        signature: `${haystack.where}:${shape.name}:verbatim`,
      });
    }
  }
  return findings;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly marker: string;
}

/**
 * About {@link EXCERPT_RADIUS} characters either side of a hit, within its segment, with the hit replaced by
 * `marker`, every occurrence of any watched value's forms and every credential shape masked. Occurrences are
 * searched in a window wider than the excerpt, so a secret cut by the excerpt's edge is masked too, not half shown.
 */
function excerpt(
  text: string,
  segment: Segment,
  index: number,
  length: number,
  marker: string,
  context: OracleContext,
): string {
  const masks = masksFor(context.secrets);
  const widest = masks[0]?.text.length ?? 0;
  const from = Math.max(segment.start, index - EXCERPT_RADIUS);
  const to = Math.min(segment.end, index + length + EXCERPT_RADIUS);
  const lo = Math.max(segment.start, from - widest);
  const hi = Math.min(segment.end, to + widest);
  const spans: Span[] = [{ start: index, end: index + length, marker }];
  for (const mask of masks) {
    let at = safeIndexOf(text, mask.text, lo);
    for (; at >= 0 && at + mask.text.length <= hi; at = safeIndexOf(text, mask.text, at + 1)) {
      spans.push({ start: at, end: at + mask.text.length, marker: mask.marker });
    }
  }
  // Credential shapes are masked too; a PEM block can be kilobytes long, so look further out for its header.
  const shapeLo = Math.max(segment.start, from - SHAPE_MARGIN);
  const nearby = text.slice(shapeLo, Math.min(segment.end, to + SHAPE_MARGIN));
  for (const shape of SECRET_SHAPES) {
    for (const match of shape.find(nearby)) {
      for (const [start, end] of match.spans) spans.push({ start: shapeLo + start, end: shapeLo + end, marker: `«${shape.name}»` });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let cursor = from;
  for (const span of spans) {
    if (span.end <= cursor || span.start >= to) continue;
    if (span.start > cursor) out += text.slice(cursor, span.start);
    out += span.marker;
    cursor = span.end;
  }
  if (cursor < to) out += text.slice(cursor, to);
  out = out.replace(/[\r\n\t\u0000]+/g, ' ');
  return `${from > segment.start ? '…' : ''}${out}${to < segment.end ? '…' : ''}`;
}


/** The request as text, with a base64 body decoded: what the handler could have echoed without leaking anything. */
function requestText(context: OracleContext): string {
  let text: string;
  try {
    text = safeStringify(context.case.event) ?? '';
  } catch {
    text = '';
  }
  const event = context.case.event as { body?: unknown; isBase64Encoded?: unknown } | null;
  if (typeof event === 'object' && event !== null && event.isBase64Encoded === true && typeof event.body === 'string') {
    text += `\u0000${Buffer.from(event.body, 'base64').toString('utf8')}`;
  }
  return text;
}