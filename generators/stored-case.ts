import type { FuzzCase, Placement } from '../src/core/index.js';
import type { CodecId } from './codecs.js';
import { codecs, UnencodableValue } from './codecs.js';
import type { ConcretePath } from './inject.js';
import { readAt, writeAt } from './inject.js';

/**
 * Reads a field path back from the text `formatPath` wrote for a concrete path (`body<json>.user.name`,
 * `Records[0].s3.object.key<s3-key>`, `headers["x-user"]`), or `undefined` when the text is no such path
 * (a damaged or hand-edited corpus entry).
 */
export function parseConcretePath(text: string): ConcretePath | undefined {
  const path: (string | number | { readonly codec: CodecId })[] = [];
  const segment = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|<([\w-]+)>/y;
  let at = 0;
  while (at < text.length) {
    segment.lastIndex = at;
    const match = segment.exec(text);
    // A leading dot is only written between segments.
    if (match === null || (at === 0 && match[0].startsWith('.'))) return undefined;
    const [, name, index, quoted, codec] = match;
    if (name !== undefined) path.push(name);
    else if (index !== undefined) path.push(Number(index));
    else if (quoted !== undefined) path.push(JSON.parse(quoted) as string);
    else if (codec !== undefined && Object.hasOwn(codecs, codec)) path.push({ codec: codec as CodecId });
    else return undefined;
    at = segment.lastIndex;
  }
  return path.length === 0 ? undefined : path;
}

/**
 * A case read back from a corpus with `text` in place of its payload: the field's value keeps what surrounded the
 * stored payload (its placement) and its encodings, and `sync` recomputes the fields derived from it. `undefined`
 * when the entry carries no payload, its field is gone or no longer holds the stored payload, or an encoding
 * cannot carry the text. The counterpart of `withOtherPayload` for cases that were not built in this process.
 */
export function withStoredPayload(fuzzCase: FuzzCase, text: string, sync: (event: unknown) => unknown): FuzzCase | undefined {
  const injection = fuzzCase.injection;
  if (injection === null) return undefined;
  const path = parseConcretePath(injection.target);
  if (path === undefined) return undefined;
  const value = readAt(fuzzCase.event, path);
  if (typeof value !== 'string') return undefined;
  const at = payloadOffset(value, injection.payload, injection.placement);
  if (at === undefined) return undefined;
  const written = value.slice(0, at) + text + value.slice(at + injection.payload.length);
  let event: unknown;
  try {
    event = writeAt(fuzzCase.event, path, () => written);
  } catch (error) {
    if (error instanceof UnencodableValue || error instanceof URIError) return undefined;
    throw error;
  }
  return { ...fuzzCase, event: syncedOrAsIs(sync, event), injection: { ...injection, payload: text } };
}

/**
 * Where `place` put `payload` in `value`, read from the placement rather than searched for: a short payload (`1`,
 * `'`) also occurs in the text around it. A placement that found no extension or no directory appended instead.
 */
function payloadOffset(value: string, payload: string, placement: Placement): number | undefined {
  if (placement === 'replace') return value === payload ? 0 : undefined;
  if (value.endsWith(payload)) return value.length - payload.length;
  if (placement === 'append') return undefined;
  if (placement === 'segment' && value === payload) return 0;
  // Before the extension (`.pdf`) or before the last path segment (`/page.md`): what follows has no slash.
  const follows = placement === 'before-extension' ? /^\.[^/]*$/ : /^\/[^/]*$/;
  for (let at = value.lastIndexOf(payload); at >= 0; at = at === 0 ? -1 : value.lastIndexOf(payload, at - 1)) {
    if (follows.test(value.slice(at + payload.length)) && (placement === 'before-extension' || at === 0 || value[at - 1] === '/')) return at;
  }
  return undefined;
}

/** A stored event may lack fields a source's `sync` expects (a user's sample did): then it is used as written. */
function syncedOrAsIs(sync: (event: unknown) => unknown, event: unknown): unknown {
  try {
    return sync(event);
  } catch {
    return event;
  }
}
