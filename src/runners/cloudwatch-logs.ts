import { safeClearTimeout, safeDateNow, safeSetTimeout } from '../core/safe-globals.js';

/** The FilterLogEvents request fields the reader sends (`FilterLogEventsCommandInput` has these). */
export interface FilterLogEventsRequest {
  readonly logGroupName: string;
  readonly filterPattern: string;
  /** Epoch milliseconds. */
  readonly startTime: number;
  readonly logStreamNames?: string[] | undefined;
  readonly nextToken?: string | undefined;
}

/** The part of a FilterLogEvents answer the reader reads. */
export interface FilterLogEventsPage {
  readonly events?: readonly { readonly eventId?: string | undefined; readonly timestamp?: number | undefined; readonly logStreamName?: string | undefined; readonly message?: string | undefined }[] | undefined;
  readonly nextToken?: string | undefined;
}

/** One FilterLogEvents call; the reader never has two in flight. */
export type FilterLogEvents = (request: FilterLogEventsRequest) => Promise<FilterLogEventsPage>;

/** Which invocation's log to read, and where to look. */
export interface FullLogRequest {
  readonly requestId: string;
  /** The log stream the tail named (one per execution environment), when it did: narrows the search. */
  readonly logStreamName?: string | undefined;
  /** Epoch milliseconds when the Invoke call was sent: no line of the invocation is older. */
  readonly invokedAtMs: number;
}

/**
 * What CloudWatch Logs held for one invocation when the read ended. `complete`: its END (or REPORT) line was
 * there; otherwise the deadline passed (or the reader closed) first and `reason` says why, in words for a notice.
 * `cut`: the log was longer than the per-invocation bound and its end was not kept.
 */
export interface FullLog {
  readonly lines: readonly string[];
  readonly complete: boolean;
  readonly cut: boolean;
  readonly reason?: string | undefined;
}

export interface CloudWatchLogReaderOptions {
  readonly logGroupName: string;
  readonly filter: FilterLogEvents;
  /** How long after `read()` an invocation's log may take to arrive before the read gives up (`--logs-wait`). */
  readonly waitMs: number;
  /** Least time between two FilterLogEvents calls (default 1000 ms: a fifth of the usual account quota of 5/s). */
  readonly minIntervalMs?: number | undefined;
  /** True for an error that asks to slow down (throttling): the interval doubles up to `maxIntervalMs`. */
  readonly isThrottling: (error: unknown) => boolean;
  /** Longest interval after repeated throttling or failures (default 10 s). */
  readonly maxIntervalMs?: number | undefined;
  /** Bytes of log kept per invocation (default 256 KiB): memory stays bounded whatever the function logs. */
  readonly maxBytesPerInvocation?: number | undefined;
}

/** Reads invocations' full logs from one log group, many invocations per FilterLogEvents call. */
export interface CloudWatchLogReader {
  /** Resolves once the invocation's log is complete in CloudWatch, or at its deadline with what arrived. Never rejects. */
  read(request: FullLogRequest): Promise<FullLog>;
  /** Invocations waiting for their log. */
  readonly pending: number;
  /** Ends polling; pending reads resolve at once with what they have. */
  close(): void;
}

/** FilterLogEvents' limit on `filterPattern` (API reference: Length Constraints, Maximum length of 1024). */
export const MAX_FILTER_PATTERN_LENGTH = 1024;
/** `logStreamNames` takes at most 100 names. */
const MAX_LOG_STREAM_NAMES = 100;
/**
 * How much earlier than the Invoke call a line may be stamped: the function's clock is AWS's, not this machine's.
 * SigV4 refuses clocks more than 5 minutes off, so skew is small; 30 s is generous and costs only scanned time.
 */
const CLOCK_SKEW_MS = 30_000;

/**
 * A FilterLogEvents filter pattern matching events that contain any of `ids` (`?"a" ?"b"`: quoted terms, `?`
 * for OR), taking ids in order while the pattern fits `maxLength`. Returns the pattern and how many ids it took
 * (at least one, unless the first alone does not fit). Ids carrying a quote or backslash cannot be quoted
 * safely and are never passed (Lambda request ids are UUIDs).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export function filterPatternFor(ids: readonly string[], maxLength = MAX_FILTER_PATTERN_LENGTH): { readonly pattern: string; readonly taken: number } {
  const terms: string[] = [];
  let length = 0;
  for (const id of ids) {
    const term = `?"${id}"`;
    const added = terms.length === 0 ? term.length : term.length + 1;
    if (length + added > maxLength) break;
    terms.push(term);
    length += added;
  }
  // One term needs no OR: a plain quoted term says the same and reads as what it is.
  if (terms.length === 1) return { pattern: terms[0]!.slice(1), taken: 1 };
  return { pattern: terms.join(' '), taken: terms.length };
}

/** Ids a quoted term can hold as is. */
export function isQuotableId(id: string): boolean {
  return id !== '' && !/["\\\s]/.test(id);
}

/**
 * Where `message` stands at the end of an invocation (text or JSON log format): 'report' for the REPORT line,
 * the last Lambda writes; 'end' for END (runtimeDone), which REPORT follows at the same time or just after.
 */
function endOfInvocation(message: string, requestId: string): 'report' | 'end' | undefined {
  if (message.startsWith(`REPORT RequestId: ${requestId}`)) return 'report';
  if (message.startsWith(`END RequestId: ${requestId}`)) return 'end';
  const platform = /"type"\s*:\s*"platform\.(runtimeDone|report)"/.exec(message)?.[1];
  if (platform === undefined || !message.includes(requestId)) return undefined;
  return platform === 'report' ? 'report' : 'end';
}

interface Pending {
  readonly request: FullLogRequest;
  readonly resolve: (log: FullLog) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly seen: Set<string>;
  readonly events: { readonly timestamp: number; readonly lines: readonly string[] }[];
  bytes: number;
  cut: boolean;
  /** END seen: complete, REPORT may still come on the next page. */
  complete: boolean;
  /** REPORT seen: nothing of this invocation comes after it. */
  reported: boolean;
}

/**
 * A batching reader of invocation logs: reads wait in one pending set, and a single loop polls FilterLogEvents for
 * all of them together (a pattern matching any pending request id, from just before the earliest invocation,
 * limited to the log streams the tails named when all of them did, following `nextToken`), one call at a time and
 * at least `minIntervalMs` apart, so the account's low FilterLogEvents quota is never spent per invocation. An
 * invocation resolves once its END or REPORT line has arrived, or at its own deadline with what arrived by then.
 * The loop stops while nothing is pending. Throttling or a failed call slows the loop down (the interval
 * doubles, then recovers on success); it never rejects a read: the caller falls back to the tail.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
 */
export function createCloudWatchLogReader(options: CloudWatchLogReaderOptions): CloudWatchLogReader {
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const maxIntervalMs = Math.max(minIntervalMs, options.maxIntervalMs ?? 10_000);
  const maxBytes = options.maxBytesPerInvocation ?? 256 * 1024;
  // Insertion order is age order: the oldest reads, nearest their deadline, are polled first.
  const pending = new Map<string, Pending>();
  let intervalMs = minIntervalMs;
  let lastCallAt = Number.NEGATIVE_INFINITY;
  let lastFailure: string | undefined;
  let running = false;
  let closed = false;
  let wake: (() => void) | undefined;

  const settle = (entry: Pending, reason?: string): void => {
    if (pending.get(entry.request.requestId) !== entry) return;
    pending.delete(entry.request.requestId);
    safeClearTimeout(entry.timer);
    const events = [...entry.events].sort((a, b) => a.timestamp - b.timestamp); // stable: arrival order within a millisecond
    const lines = events.flatMap((event) => event.lines);
    entry.resolve({ lines, complete: entry.complete, cut: entry.cut, ...(reason === undefined ? {} : { reason }) });
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = safeSetTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        safeClearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  /**
   * Waits out the interval since the last call. Always through a timer, even when it has passed: a filter that
   * answers at once must not starve the deadlines' timers.
   */
  const spacing = (): Promise<void> => pause(Math.max(0, lastCallAt + intervalMs - safeDateNow()));

  const call = async (request: FilterLogEventsRequest): Promise<FilterLogEventsPage | undefined> => {
    try {
      const page = await options.filter(request);
      intervalMs = Math.max(minIntervalMs, intervalMs / 2);
      lastFailure = undefined;
      return page;
    } catch (error) {
      intervalMs = Math.min(maxIntervalMs, intervalMs * 2);
      const message = error instanceof Error ? error.message : String(error);
      lastFailure = options.isThrottling(error) ? 'FilterLogEvents was throttled' : `FilterLogEvents failed (${message})`;
      return undefined;
    } finally {
      // Measured from the end of a call: a slow answer is no reason to send the next one sooner.
      lastCallAt = safeDateNow();
    }
  };

  const absorb = (batch: readonly Pending[], page: FilterLogEventsPage): void => {
    for (const event of page.events ?? []) {
      const message = event.message ?? '';
      for (const entry of batch) {
        const id = entry.request.requestId;
        if (!message.includes(id)) continue;
        const key = event.eventId ?? `${event.logStreamName ?? ''}|${event.timestamp ?? ''}|${message}`;
        if (entry.seen.has(key)) continue;
        entry.seen.add(key);
        const end = endOfInvocation(message, id);
        if (end !== undefined) entry.complete = true;
        if (end === 'report') entry.reported = true;
        if (entry.cut) continue;
        if (entry.bytes + message.length > maxBytes) {
          entry.cut = true;
          continue;
        }
        entry.bytes += message.length;
        const text = message.endsWith('\n') ? message.slice(0, -1) : message;
        entry.events.push({ timestamp: event.timestamp ?? 0, lines: text.split('\n') });
      }
    }
  };

  /**
   * One poll: the oldest pending reads that fit one pattern, and every page of the answer while any of them still
   * waits. Pages come in timestamp order, so a read resolves after the page holding its REPORT line, and one
   * whose END came without REPORT at the end of the poll.
   */
  const poll = async (): Promise<void> => {
    // The batch is taken after the wait: reads that came in meanwhile join this call instead of waiting for the next.
    await spacing();
    if (closed || pending.size === 0) return;
    const entries = [...pending.values()];
    const { pattern, taken } = filterPatternFor(entries.map((entry) => entry.request.requestId));
    const batch = entries.slice(0, taken);
    const streams = [...new Set(batch.map((entry) => entry.request.logStreamName))];
    const byStream = streams.every((name) => name !== undefined) && streams.length <= MAX_LOG_STREAM_NAMES;
    const startTime = Math.min(...batch.map((entry) => entry.request.invokedAtMs)) - CLOCK_SKEW_MS;
    let nextToken: string | undefined;
    for (let page = 0; ; page++) {
      if (page > 0) await spacing();
      if (closed) return;
      const answer = await call({
        logGroupName: options.logGroupName,
        filterPattern: pattern,
        startTime,
        ...(byStream ? { logStreamNames: streams as string[] } : {}),
        ...(nextToken === undefined ? {} : { nextToken }),
      });
      if (answer === undefined) return; // failed or closed: the next poll starts over, nothing seen is lost
      absorb(batch, answer);
      for (const entry of batch) if (entry.reported) settle(entry);
      nextToken = answer.nextToken;
      // Paging ends with the answer, or once no read of the batch waits (resolved, or past its deadline).
      if (nextToken === undefined || batch.every((entry) => pending.get(entry.request.requestId) !== entry)) break;
    }
    for (const entry of batch) if (entry.complete) settle(entry);
  };

  const loop = async (): Promise<void> => {
    running = true;
    try {
      while (pending.size > 0 && !closed) await poll();
    } finally {
      running = false;
    }
  };

  return {
    get pending() {
      return pending.size;
    },

    read(request) {
      return new Promise<FullLog>((resolve) => {
        if (closed) return resolve({ lines: [], complete: false, cut: false, reason: 'the log reader was closed' });
        if (!isQuotableId(request.requestId) || pending.has(request.requestId)) {
          const why = pending.has(request.requestId) ? 'is already being read' : 'cannot be searched for';
          return resolve({ lines: [], complete: false, cut: false, reason: `request id "${request.requestId}" ${why}` });
        }
        const timer = safeSetTimeout(() => {
          const entry = pending.get(request.requestId);
          if (entry !== undefined) settle(entry, lastFailure === undefined ? `its log did not arrive within ${options.waitMs} ms` : `its log did not arrive within ${options.waitMs} ms (${lastFailure})`);
        }, options.waitMs);
        pending.set(request.requestId, { request, resolve, timer, seen: new Set(), events: [], bytes: 0, cut: false, complete: false, reported: false });
        if (!running) void loop();
      });
    },

    close() {
      closed = true;
      wake?.();
      for (const entry of [...pending.values()]) settle(entry, 'the run ended before its log arrived');
    },
  };
}
