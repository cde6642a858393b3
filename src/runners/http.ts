import type { Dispatcher } from 'undici';
import type { Observation, Outcome } from '../core/index.js';
import type { ApigwSource, RequestAdjustment } from './apigw-request.js';
import type { Invocation, Runner } from './types.js';
import { Agent } from 'undici';
import { HarnessError, serializeError } from '../core/index.js';
import { REMOTE_INSTANCE, observationFromResponse, requestFromEvent } from './apigw-request.js';
import { exchange } from './http-exchange.js';

/** Bodies past this are cut (and the result says so): a hostile endpoint may stream without end. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link createHttpRunner}. */
export interface HttpRunnerOptions {
  /** The base URL, http or https, e.g. an API Gateway stage `https://abc.execute-api.eu-west-1.amazonaws.com/staging`. */
  readonly url: string | URL;
  /** Which event shape the cases carry (events say so themselves; this decides only for malformed ones). */
  readonly source: ApigwSource;
  /** No complete answer within this → a `timeout` outcome, and the request is aborted. */
  readonly timeoutMs: number;
  /** Requests in flight at once (the runner's `parallelism`) and the bound on pooled connections. */
  readonly concurrency: number;
  /** Sent with every request, over the event's own (e.g. an API key or authorization); never logged or reported. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Send through this dispatcher instead of the runner's own pooled Agent (tests); the runner does not close it. */
  readonly dispatcher?: Dispatcher | undefined;
  /** Default {@link DEFAULT_MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number | undefined;
  /** Told, per case, what of the event could not be sent as it was (the values themselves are never included). */
  readonly onAdjusted?: ((caseId: string, adjustments: readonly RequestAdjustment[]) => void) | undefined;
}

/**
 * Delivers each case's API Gateway event to a deployed HTTP endpoint as the request a client would send
 * ({@link requestFromEvent}), and maps the answer back to an Observation ({@link observationFromResponse}), with
 * `effects: undefined` and `logs: []`: nothing is probed on the other side, and HTTP carries no logs.
 *
 * One pooled undici `Agent` (HTTP/1.1 keep-alive, at most `concurrency` connections), no redirects followed (a 3xx is
 * the handler's answer and is judged as such), no retries: throttling (429) comes back as a `transport-error` named
 * `ThrottlingError` for the remote guard to back off on (with the server's `Retry-After`, when it gave one, as the
 * outcome's `retryAfterMs`); a connection that fails is a `transport-error` with the
 * error's own name. `invoke` never rejects for what the endpoint did.
 *
 * `instance` is {@link REMOTE_INSTANCE} for every observation: which warm container answered is invisible over HTTP,
 * so the engine keeps one canary history for the whole target and `state-leak` reports any earlier case's canary
 * (within that history's bound) that comes back in a later response, whichever container kept it.
 */
export function createHttpRunner(options: HttpRunnerOptions): Runner {
  const base = parseBase(options.url);
  positive('timeoutMs', options.timeoutMs);
  positive('concurrency', options.concurrency);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const extra = Object.entries(options.headers ?? {});
  const extraNames = new Set(extra.map(([name]) => name.toLowerCase()));
  let own: Agent | undefined;
  let closed = false;
  const dispatcher = (): Dispatcher =>
    options.dispatcher ?? (own ??= new Agent({ connections: options.concurrency, pipelining: 1, keepAliveTimeout: 10_000 }));

  async function send(invocation: Invocation): Promise<Observation> {
    const request = requestFromEvent(invocation.event, options.source, base);
    let headers = request.headers as Record<string, string | string[]>;
    let adjustments = request.adjustments;
    if (extra.length > 0) {
      // A copy only when there is something to add: the mapping's own map is sent as it is otherwise.
      headers = Object.create(null) as Record<string, string | string[]>; // `__proto__` is a header name too
      const replaced: RequestAdjustment[] = [];
      for (const [name, value] of Object.entries(request.headers)) {
        if (extraNames.has(name.toLowerCase())) replaced.push({ field: `headers.${name}`, action: 'replaced', reason: 'the runner sends its own value for this header' });
        else headers[name] = value as string | string[];
      }
      for (const [name, value] of extra) headers[name] = value;
      if (replaced.length > 0) adjustments = [...adjustments, ...replaced];
    }
    if (adjustments.length > 0) options.onAdjusted?.(invocation.caseId, adjustments);

    const started = performance.now();
    const result = await exchange(dispatcher(), {
      origin: base.origin,
      path: request.path,
      method: request.method as Dispatcher.HttpMethod,
      headers,
      body: request.body ?? null,
      timeoutMs: options.timeoutMs,
      maxBodyBytes: maxBody,
    });
    const durationMs = performance.now() - started;
    if (result.kind === 'response') return observationFromResponse(invocation.caseId, result.response, durationMs, Date.now());
    const outcome: Outcome = result.kind === 'timeout' ? { kind: 'timeout', limitMs: options.timeoutMs } : { kind: 'transport-error', error: serializeError(result.error) };
    return { caseId: invocation.caseId, outcome, durationMs, logs: [], effects: undefined, instance: REMOTE_INSTANCE };
  }

  return {
    kind: 'http',
    parallelism: options.concurrency,
    async start() {
      // Nothing to load: the endpoint is there or each invocation says it is not (transport-error).
    },
    invoke(invocation) {
      if (closed) return Promise.reject(new HarnessError('EFZ_RUNNER_UNAVAILABLE', 'The http runner is closed.'));
      return send(invocation);
    },
    async close() {
      closed = true;
      const agent = own;
      own = undefined;
      // destroy, not close: a hanging endpoint must not keep the run from ending.
      await agent?.destroy();
    },
  };
}

function parseBase(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HarnessError('EFZ_CONFIG_INVALID', `--url must be an absolute http(s) URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/staging.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new HarnessError('EFZ_CONFIG_INVALID', `--url must use http or https, not ${parsed.protocol.replace(/:$/, '')}.`);
  }
  // User info in the URL would be a credential: refuse rather than send or echo it.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new HarnessError('EFZ_CONFIG_INVALID', '--url must not carry credentials; pass them as headers instead.');
  }
  return parsed;
}

function positive(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new HarnessError('EFZ_CONFIG_INVALID', `${name} must be a positive integer, got ${value}.`);
}
