import type { Effect } from '../core/observation.js';
import { Buffer } from 'node:buffer';
import { gunzipSync, gzipSync } from 'node:zlib';
import { safeStringify } from '../core/safe-globals.js';

/**
 * What passes between eventfuzz's Lambda runner and the in-function probes of `eventfuzz layer`. The request rides
 * in the Invoke call's ClientContext (never in the event, which the handler reads and may echo), the answer in the
 * function's own log, which Invoke returns (its last 4 KB) with `LogType: Tail`.
 *
 * The answer is one line per effect, written the moment the probe records it (so effects survive a runtime that
 * dies or times out right after the sink), and, when the handler settles, one summary line with all of them
 * compressed (so they survive a handler that logs a lot afterwards: the tail keeps only the end of the log). Every
 * line carries the invocation's nonce: a handler that echoes its event or an earlier log cannot forge one.
 */
export interface LayerRequest {
  readonly v: 1;
  /** Fresh per invocation; the layer's lines for this invocation carry it. */
  readonly nonce: string;
  /** The user passed `--allow-exec`: commands that carry a payload token run instead of being blocked. */
  readonly allowExec: boolean;
}

/** The key under ClientContext's `custom` map that turns the layer's probes on for one invocation. */
export const LAYER_CONTEXT_KEY = 'eventfuzz';
const EFFECT_PREFIX = 'EVENTFUZZ-EFFECT ';
const SUMMARY_PREFIX = 'EVENTFUZZ-EFFECTS ';
/** Lambda's limit on ClientContext, base64 included. */
const CLIENT_CONTEXT_LIMIT = 3583;
/**
 * The summary line's budget: the tail is 4 KB, and the runtime's END and REPORT lines (about 300 bytes) come after
 * it. When all effects do not fit, the ones that carry a payload token go first (they are what oracles judge).
 */
const SUMMARY_BUDGET = 3_300;
/** A single streamed effect longer than this is clipped (its texts), so one huge command cannot fill the tail. */
const EFFECT_LINE_BUDGET = 2_000;
const NONCE = /^[A-Za-z0-9_-]{8,64}$/;

/** The Invoke call's `ClientContext`: base64 of the JSON the runtime hands the handler as `context.clientContext`. */
export function layerClientContext(request: LayerRequest): string {
  const encoded = Buffer.from(JSON.stringify({ custom: { [LAYER_CONTEXT_KEY]: request } }), 'utf8').toString('base64');
  if (encoded.length > CLIENT_CONTEXT_LIMIT) throw new RangeError(`ClientContext of ${encoded.length} bytes exceeds Lambda's ${CLIENT_CONTEXT_LIMIT}`);
  return encoded;
}

/**
 * The request the runner put in this invocation's client context, or undefined for any other invocation (real
 * traffic, a test event from the console): then the layer stays out of the way. The Node runtime hands the
 * ClientContext JSON over as parsed; `Custom` is the spelling mobile SDKs use, accepted too.
 */
export function readLayerRequest(context: unknown): LayerRequest | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const clientContext = (context as { clientContext?: unknown }).clientContext;
  if (typeof clientContext !== 'object' || clientContext === null) return undefined;
  const { custom, Custom } = clientContext as { custom?: unknown; Custom?: unknown };
  const map = (typeof custom === 'object' && custom !== null ? custom : Custom) as Record<string, unknown> | undefined;
  const request = typeof map === 'object' && map !== null ? map[LAYER_CONTEXT_KEY] : undefined;
  if (typeof request !== 'object' || request === null) return undefined;
  const { v, nonce, allowExec } = request as Partial<Record<keyof LayerRequest, unknown>>;
  if (v !== 1 || typeof nonce !== 'string' || !NONCE.test(nonce)) return undefined;
  return { v: 1, nonce, allowExec: allowExec === true };
}

/** The log line that carries one effect, as recorded. */
export function effectLine(nonce: string, effect: Effect): string {
  // Written in the handler's realm: the globals captured at load, not whatever the handler replaced them with.
  const json = safeStringify(effect);
  return `${EFFECT_PREFIX}${nonce} ${json.length <= EFFECT_LINE_BUDGET ? json : safeStringify(clipTexts(effect, 400))}\n`;
}

/** The log line that carries all of an invocation's effects (gzip, base64), trimmed to the tail's budget. */
export function summaryLine(nonce: string, effects: readonly Effect[], tokens: (effect: Effect) => boolean): string {
  const ranked = [...effects.filter(tokens), ...effects.filter((effect) => !tokens(effect))];
  let kept = ranked;
  for (;;) {
    const encoded = gzipSync(Buffer.from(safeStringify({ effects: kept, dropped: effects.length - kept.length }), 'utf8')).toString('base64');
    if (encoded.length <= SUMMARY_BUDGET || kept.length === 0) return `${SUMMARY_PREFIX}${nonce} ${encoded}\n`;
    kept = kept.slice(0, Math.floor(kept.length / 2));
  }
}

/** What the runner got back: the effects the layer reported (undefined: no layer answered) and the handler's own log. */
export interface LayerAnswer {
  readonly effects: Effect[] | undefined;
  /** The log without the layer's lines: oracles judge the handler's output, not ours. */
  readonly logs: string[];
  /** Effects the layer recorded but could not fit in the summary line. */
  readonly dropped: number;
}

/**
 * Reads the layer's lines for `nonce` out of an invocation's log. The summary line, when present, is complete
 * (up to its own trimming, which a full log's streamed lines can make up for); without it (the runtime died, the handler timed out) the streamed lines that are still
 * in the log are the effects. Lines with another nonce or that do not decode are the handler's output.
 */
export function readLayerAnswer(logs: readonly string[], nonce: string): LayerAnswer {
  const own: string[] = [];
  let streamed: Effect[] | undefined;
  let summary: { effects: Effect[]; dropped: number } | undefined;
  const effectMark = `${EFFECT_PREFIX}${nonce} `;
  const summaryMark = `${SUMMARY_PREFIX}${nonce} `;
  for (const entry of logs) {
    const kept: string[] = [];
    for (const line of entry.split('\n')) {
      const effectAt = line.indexOf(effectMark);
      const summaryAt = effectAt === -1 ? line.indexOf(summaryMark) : -1;
      if (effectAt !== -1) {
        const effect = parseJson(line.slice(effectAt + effectMark.length)) as Effect | undefined;
        if (isEffect(effect)) {
          (streamed ??= []).push(effect);
          continue;
        }
      } else if (summaryAt !== -1) {
        const decoded = decodeSummary(line.slice(summaryAt + summaryMark.length));
        if (decoded !== undefined) {
          summary = decoded;
          continue;
        }
      }
      kept.push(line);
    }
    const text = kept.join('\n');
    if (text !== '') own.push(text);
  }
  // A full log (`--logs cloudwatch`) may hold every streamed line where the summary had to drop some: take the
  // complete set.
  if (summary !== undefined && summary.dropped > 0 && streamed !== undefined && streamed.length >= summary.effects.length + summary.dropped) return { effects: streamed, logs: own, dropped: 0 };
  if (summary !== undefined) return { effects: summary.effects, logs: own, dropped: summary.dropped };
  return { effects: streamed, logs: own, dropped: 0 };
}

function decodeSummary(text: string): { effects: Effect[]; dropped: number } | undefined {
  try {
    const value = JSON.parse(gunzipSync(Buffer.from(text.trim(), 'base64')).toString('utf8')) as { effects?: unknown; dropped?: unknown };
    if (!Array.isArray(value.effects) || !value.effects.every(isEffect)) return undefined;
    return { effects: value.effects, dropped: typeof value.dropped === 'number' ? value.dropped : 0 };
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.trim());
  } catch {
    return undefined;
  }
}

const KINDS = new Set<unknown>(['process', 'file', 'network', 'code-eval', 'canary', 'globals-modified']);
function isEffect(value: unknown): value is Effect {
  return typeof value === 'object' && value !== null && KINDS.has((value as { kind?: unknown }).kind);
}

/** The effect with each long string clipped, so a streamed line stays within its budget. */
function clipTexts(effect: Effect, limit: number): Effect {
  const clip = (value: unknown): unknown =>
    typeof value === 'string' ? (value.length > limit ? `${value.slice(0, limit)}…` : value) : Array.isArray(value) ? value.slice(0, 20).map(clip) : value;
  return Object.fromEntries(Object.entries(effect).map(([key, value]) => [key, clip(value)])) as unknown as Effect;
}
