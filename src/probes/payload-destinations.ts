import { Buffer } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { carriesToken, normalizeHost, urlDestination } from '../core/destinations.js';
import { safeArrayIsArray, safeObjectKeys } from '../core/safe-globals.js';

/*
 * Where this invocation's payload says to connect. A raw socket (`net.connect(port, host)`, a DNS query, a UDP
 * datagram, a pooled HTTP client) sees only a host and a port: for `http://127.0.0.1:6379/<token>` the token is
 * gone once the handler took the URL apart. The event still carries the payload, so the probe reads the URLs
 * in it that carry a token, and treats their host (and host:port) as chosen by the payload. Fields are read as
 * the handler would decode them: as written, percent-decoded (S3 keys), base64 (Kinesis data, binary bodies)
 * and gzip inside base64 (CloudWatch Logs).
 */

// Captured at load, before handler code can patch them (STYLE practice 11).
const apply = Reflect.apply;
const regExpExec = RegExp.prototype.exec;
const safeDecodeURIComponent = decodeURIComponent;
const bufferFrom = Buffer.from;
const bufferToString = Buffer.prototype.toString;
const stringIncludes = String.prototype.includes;
const SafeSet = Set;
const setAdd = Set.prototype.add;
const setHas = Set.prototype.has;

const MAX_STRINGS = 10_000;
const MAX_DEPTH = 32;
const MAX_TEXT = 1_048_576;
// Decoding costs more than reading: an oversized field (a 1 MB body of letters is valid base64) is read as written.
const MAX_DECODED = 262_144;
const BASE64 = /^(?:[A-Za-z0-9+/]{4}){2,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// An absolute or scheme-relative URL, up to the first character no URL in a JSON or text field contains.
const URL_TEXT = /(?:[a-z][a-z0-9+.-]*:)?\/\/[^\s"'<>`\\]+/gi;

/** @internal The destinations an invocation's payload named. */
export interface NamedDestinations {
  /** Normalised hosts of token-carrying URLs in the event. */
  readonly hosts: ReadonlySet<string>;
  /** `host|port` of the same URLs (port: the URL's, or its scheme's default). */
  readonly places: ReadonlySet<string>;
}

/** @internal Nothing named: before any invocation, or for an event without payload URLs. */
export const NOTHING_NAMED: NamedDestinations = { hosts: new SafeSet(), places: new SafeSet() };

/** @internal Reads the token-carrying URLs of `event` (any shape; never throws, bounded work). */
export function namedDestinations(event: unknown): NamedDestinations {
  const hosts = new SafeSet<string>();
  const places = new SafeSet<string>();
  const seen = new SafeSet<unknown>();
  let strings = 0;
  const visit = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      if (strings++ < MAX_STRINGS) for (const text of decodings(value)) collect(text, hosts, places);
      return;
    }
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || apply(setHas, seen, [value])) return;
    apply(setAdd, seen, [value]);
    try {
      if (safeArrayIsArray(value)) for (const item of value as unknown[]) visit(item, depth + 1);
      else for (const key of safeObjectKeys(value)) visit((value as Record<string, unknown>)[key], depth + 1);
    } catch {
      // A getter or proxy of the handler's may throw: what was read so far still counts.
    }
  };
  visit(event, 0);
  return { hosts, places };
}

/** The ways a handler may decode a field before it finds the URL in it. */
function decodings(raw: string): string[] {
  const text = raw.length > MAX_TEXT ? raw.slice(0, MAX_TEXT) : raw;
  const out = [text];
  if (text.length > MAX_DECODED) return out;
  if (apply(stringIncludes, text, ['%'])) {
    try {
      out[out.length] = safeDecodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
      // not percent-encoded after all
    }
  }
  if (apply(regExpExec, BASE64, [text]) !== null) {
    const bytes = apply(bufferFrom, undefined, [text, 'base64']) as Buffer;
    out[out.length] = apply(bufferToString, bytes, ['utf8']) as string;
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      try {
        out[out.length] = apply(bufferToString, gunzipSync(bytes), ['utf8']) as string;
      } catch {
        // not gzip after all
      }
    }
  }
  return out;
}

function collect(text: string, hosts: Set<string>, places: Set<string>): void {
  if (!carriesToken(text)) return;
  URL_TEXT.lastIndex = 0;
  for (let match = apply(regExpExec, URL_TEXT, [text]) as RegExpExecArray | null; match !== null; match = apply(regExpExec, URL_TEXT, [text]) as RegExpExecArray | null) {
    const destination = urlDestination(match[0]);
    if (destination === undefined || !carriesToken(match[0])) continue;
    apply(setAdd, hosts, [destination.host]);
    apply(setAdd, places, [`${destination.host}|${destination.port}`]);
  }
}

/** @internal Whether `host` (and `port`, when the API has one) is a destination the payload named. */
export function isNamed(named: NamedDestinations, host: string, port: number | null): boolean {
  const h = normalizeHost(host);
  return port === null ? apply(setHas, named.hosts, [h]) : apply(setHas, named.places, [`${h}|${port}`]);
}
