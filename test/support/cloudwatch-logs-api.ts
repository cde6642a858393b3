import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/*
 * The CloudWatch Logs side of test/support/invoke-api-server.ts: every invocation's whole log kept as log events
 * of its function's log group, and FilterLogEvents answered over the JSON 1.1 protocol (POST /, X-Amz-Target
 * Logs_20140328.FilterLogEvents) on the same port, as LocalStack serves every API on one.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
 */
export const LOGS_TARGET_PREFIX = 'Logs_20140328.';

export interface CloudWatchLogsApiOptions {
  /** How long after it was written an event becomes visible to FilterLogEvents (CloudWatch's ingestion delay). */
  readonly ingestionDelayMs?: number;
  /** Events per answer at most besides `limit` (default 10,000, FilterLogEvents' own), small so callers meet nextToken. */
  readonly pageSize?: number;
  /** Answer the next this many FilterLogEvents calls with ThrottlingException (counted from the last `configure`). */
  readonly throttleNext?: number;
}

/** One stored log event. */
export interface StoredLogEvent {
  readonly eventId: string;
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
  /** Write order: ties on timestamp keep it, and nextToken names a place by (timestamp, seq). */
  readonly seq: number;
}

export interface CloudWatchLogsApi {
  /** Creates the log group (idempotent). */
  createLogGroup(name: string): void;
  /** Stores one invocation's whole log text as events of `logStreamName`, one per log record, in `group` (if it exists). */
  putInvocationLog(group: string, logStreamName: string, log: string, startedAtMs: number, endedAtMs: number): void;
  /** Changes options while the server runs (a test's own ingestion delay). */
  configure(options: CloudWatchLogsApiOptions): void;
  /** FilterLogEvents calls so far, refused and throttled ones included. */
  readonly filterCalls: number;
  /** The request bodies of those calls, in order. */
  readonly filterRequests: readonly Readonly<Record<string, unknown>>[];
  /** The region each of those calls was signed for (SigV4 credential scope), in the same order. */
  readonly signingRegions: readonly (string | undefined)[];
  events(group: string): readonly StoredLogEvent[];
  /** True when the request is for this API (its X-Amz-Target). */
  accepts(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void;
}

/** Lambda's log record starts: platform lines, and the Node runtime's `<ISO time>\t<request id>\t<LEVEL>\t` prefix. */
const RECORD_START = /^(?:(?:START|END|REPORT) RequestId: |\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\t)/;
const ISO_PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\t/;
const MAX_PATTERN_LENGTH = 1024;

/**
 * `?"a" ?"b" word`: quoted terms and words; terms without `?` must all appear, and when any `?` term is given at
 * least one of those must. Substring matches, case-sensitive, as for unstructured log events. JSON (`{ … }`) and
 * space-delimited (`[ … ]`) patterns are not served here.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export function parseFilterPattern(pattern: string): ((message: string) => boolean) | undefined {
  const trimmed = pattern.trim();
  if (trimmed === '') return () => true;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return undefined;
  const required: string[] = [];
  const optional: string[] = [];
  const term = /(\?)?(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/y;
  let at = 0;
  while (at < trimmed.length) {
    while (/\s/.test(trimmed[at] ?? '')) at++;
    if (at >= trimmed.length) break;
    term.lastIndex = at;
    const match = term.exec(trimmed);
    if (match === null) return undefined;
    const text = match[2] === undefined ? (match[3] ?? '') : match[2].replace(/\\(.)/g, '$1');
    (match[1] === '?' ? optional : required).push(text);
    at = term.lastIndex;
  }
  return (message) => required.every((t) => message.includes(t)) && (optional.length === 0 || optional.some((t) => message.includes(t)));
}

/** A log's text as Lambda's log records: a line that starts no record (a multi-line message) continues the one before. */
export function logRecords(log: string): string[] {
  const records: string[] = [];
  for (const line of log.split('\n')) {
    if (line === '') continue;
    if (RECORD_START.test(line) || records.length === 0) records.push(line);
    else records[records.length - 1] += `\n${line}`;
  }
  return records;
}

export function createCloudWatchLogsApi(region: string, accountId: string, isDenied: (group: string) => boolean, initial: CloudWatchLogsApiOptions = {}): CloudWatchLogsApi {
  let options = { ...initial };
  const groups = new Map<string, StoredLogEvent[]>();
  const filterRequests: Record<string, unknown>[] = [];
  const signingRegions: (string | undefined)[] = [];
  let seq = 0;
  let throttled = 0;

  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() }).end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, type: string, message: string): void => reply(res, 400, { __type: type, message });

  function filterLogEvents(res: ServerResponse, input: Record<string, unknown>): void {
    if (throttled < (options.throttleNext ?? 0)) {
      throttled++;
      return fail(res, 'ThrottlingException', 'Rate exceeded');
    }
    const group = typeof input['logGroupName'] === 'string' ? input['logGroupName'] : typeof input['logGroupIdentifier'] === 'string' ? input['logGroupIdentifier'] : undefined;
    if (input['logGroupName'] !== undefined && input['logGroupIdentifier'] !== undefined) return fail(res, 'InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    if (group === undefined) return fail(res, 'InvalidParameterException', 'Should provide either name or identifier of a log group.');
    if (isDenied(group)) {
      return fail(res, 'AccessDeniedException', `User: arn:aws:iam::${accountId}:user/tester is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:${region}:${accountId}:log-group:${group}:log-stream: because no identity-based policy allows the logs:FilterLogEvents action`);
    }
    const events = groups.get(group);
    if (events === undefined) return fail(res, 'ResourceNotFoundException', 'The specified log group does not exist.');
    const pattern = typeof input['filterPattern'] === 'string' ? input['filterPattern'] : '';
    if (pattern.length > MAX_PATTERN_LENGTH) {
      return fail(res, 'InvalidParameterException', `1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PATTERN_LENGTH}`);
    }
    const matches = parseFilterPattern(pattern);
    if (matches === undefined) return fail(res, 'InvalidParameterException', 'Invalid filter pattern');
    const streams = Array.isArray(input['logStreamNames']) ? new Set(input['logStreamNames'] as string[]) : undefined;
    if (streams !== undefined && input['logStreamNamePrefix'] !== undefined) return fail(res, 'InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive.');
    const limit = input['limit'] === undefined ? 10_000 : Number(input['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return fail(res, 'InvalidParameterException', `1 validation error detected: Value '${String(input['limit'])}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000`);
    const startTime = typeof input['startTime'] === 'number' ? input['startTime'] : Number.NEGATIVE_INFINITY;
    const endTime = typeof input['endTime'] === 'number' ? input['endTime'] : Number.POSITIVE_INFINITY;
    // The token names the last event answered, by (timestamp, seq): the order the group is kept in.
    const [afterTime = Number.NEGATIVE_INFINITY, afterSeq = -1] = typeof input['nextToken'] === 'string' ? Buffer.from(input['nextToken'], 'base64url').toString('utf8').split(':').map(Number) : [];
    const now = Date.now();
    const page = Math.min(limit, options.pageSize ?? 10_000);
    const found: StoredLogEvent[] = [];
    let more = false;
    for (const event of events) {
      if (event.timestamp < afterTime || (event.timestamp === afterTime && event.seq <= afterSeq) || event.ingestionTime > now) continue;
      if (event.timestamp < startTime || event.timestamp > endTime) continue;
      if (streams !== undefined && !streams.has(event.logStreamName)) continue;
      if (!matches(event.message)) continue;
      if (found.length === page) {
        more = true;
        break;
      }
      found.push(event);
    }
    const last = found[found.length - 1];
    reply(res, 200, {
      events: found.map(({ eventId, logStreamName, timestamp, ingestionTime, message }) => ({ eventId, logStreamName, timestamp, ingestionTime, message })),
      ...(more && last !== undefined ? { nextToken: Buffer.from(`${last.timestamp}:${last.seq}`).toString('base64url') } : {}),
    });
  }

  return {
    get filterCalls() {
      return filterRequests.length;
    },
    filterRequests,
    signingRegions,
    createLogGroup(name) {
      if (!groups.has(name)) groups.set(name, []);
    },
    putInvocationLog(group, logStreamName, log, startedAtMs, endedAtMs) {
      const events = groups.get(group);
      if (events === undefined) return; // Lambda drops the lines when it may not create the group
      const ingestionTime = Date.now() + (options.ingestionDelayMs ?? 0);
      for (const message of logRecords(log)) {
        const iso = ISO_PREFIX.exec(message)?.[1];
        const timestamp = iso !== undefined ? Date.parse(iso) : message.startsWith('START ') ? startedAtMs : endedAtMs;
        const event: StoredLogEvent = { eventId: String(seq).padStart(20, '0'), logStreamName, timestamp, ingestionTime, message: `${message}\n`, seq: seq++ };
        // Kept in timestamp order (ties in write order), the order FilterLogEvents answers in.
        let at = events.length;
        while (at > 0 && (events[at - 1]?.timestamp ?? 0) > timestamp) at--;
        events.splice(at, 0, event);
      }
    },
    configure(next) {
      options = { ...options, ...next };
      if (next.throttleNext !== undefined) throttled = 0;
    },
    events: (group) => groups.get(group) ?? [],
    accepts: (req) => String(req.headers['x-amz-target'] ?? '').startsWith(LOGS_TARGET_PREFIX),
    handle(req, res, body) {
      const operation = String(req.headers['x-amz-target'] ?? '').slice(LOGS_TARGET_PREFIX.length);
      let input: Record<string, unknown>;
      try {
        input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      } catch {
        return fail(res, 'SerializationException', 'Could not parse the request body');
      }
      if (operation !== 'FilterLogEvents') return fail(res, 'UnknownOperationException', `Operation ${operation} is not served here`);
      filterRequests.push(input);
      signingRegions.push(/Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers['authorization'] ?? ''))?.[1]);
      filterLogEvents(res, input);
    },
  };
}
