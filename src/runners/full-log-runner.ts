import type { Observation } from '../core/observation.js';
import type { CloudWatchLogReader, FullLog } from './cloudwatch-logs.js';
import type { LogsAccess, LogsAccessOptions } from './cloudwatch-logs-client.js';
import type { GuardedRunner } from './remote-guard.js';
import { readLayerAnswer } from '../layer/protocol.js';
import { createCloudWatchLogReader } from './cloudwatch-logs.js';
import { createLogsAccess, isLogsThrottling } from './cloudwatch-logs-client.js';

/** What the Lambda runner knows of an answered invocation, for finding its log. */
export interface InvokedRequest {
  /** x-amzn-RequestId of the Invoke answer: the invocation's request id in its log lines. */
  readonly requestId: string;
  /** The log stream the tail named, if it did. */
  readonly logStreamName: string | undefined;
  /** Epoch milliseconds when the Invoke call was sent. */
  readonly invokedAtMs: number;
  /** The invocation's `eventfuzz layer` nonce: the layer's lines in the full log carry it. */
  readonly nonce?: string | undefined;
}

export interface CloudWatchFullLogsOptions extends LogsAccessOptions {
  /** How long after an invocation its full log may take to arrive (`--logs-wait`). */
  readonly waitMs: number;
  /** The run's delivery rate cap: how many invocations may wait for their logs at once follows from it. */
  readonly ratePerSecond: number;
  readonly notice: (line: string) => void;
  /** Least time between FilterLogEvents calls (default the reader's, 1000 ms). */
  readonly minIntervalMs?: number | undefined;
  /** Instead of the SDK (tests of the wrapper alone). */
  readonly access?: LogsAccess | undefined;
}

/** `--logs cloudwatch`: the Lambda runner's hook, and the wrapper that puts each invocation's full log in its observation. */
export interface CloudWatchFullLogs {
  /** Give to `createLambdaRunner` as `onInvoked`. */
  readonly onInvoked: (observation: Observation, request: InvokedRequest) => void;
  /** The guarded runner, with `logs` read from CloudWatch Logs; starting it probes the log group. */
  wrap(runner: GuardedRunner): GuardedRunner;
}

/** Where a function's logs are read from: the 4 KB Invoke tail, or each invocation's full log in CloudWatch Logs. */
export type LogsSource = 'tail' | 'cloudwatch';
/** How long `--logs cloudwatch` waits for an invocation's log by default: Lambda's logs usually arrive within seconds. */
export const DEFAULT_LOGS_WAIT_MS = 10_000;

/** Invocations waiting for their logs beyond the guard's own concurrency, at most: each holds up to 256 KiB. */
const MAX_EXTRA_IN_FLIGHT = 64;

/** The runner's note that the layer's summary did not fit the tail: not true of the full log. */
const TAIL_DROPPED_NOTE = /^\[eventfuzz: the layer recorded \d+ more effects than fit in the log tail\]$/;

/**
 * The observation with the full log: the `eventfuzz layer` lines of this invocation read out of it (its effects
 * from the full log, which lost none to the tail's 4 KB; its lines kept from the logs the oracles judge, as the
 * runner does for the tail), then merged with the tail. Without the layer the effects stay what they were.
 */
function withFullLog(observation: Observation, lines: readonly string[], nonce: string | undefined): Observation {
  if (nonce === undefined) return { ...observation, logs: mergeWithTail(lines, observation.logs) };
  const layer = readLayerAnswer(lines, nonce);
  const logs = mergeWithTail(layer.logs, observation.logs.filter((line) => !TAIL_DROPPED_NOTE.test(line)));
  if (layer.dropped > 0) logs.push(`[eventfuzz: the layer recorded ${layer.dropped} more effects than fit in its summary]`);
  return { ...observation, logs, effects: layer.effects ?? observation.effects };
}

/**
 * Lines CloudWatch had, then the tail's lines it did not: the end a partial read lacks, and lines without the
 * request id (raw stdout writes), which the search by id cannot find. The tail's first line, cut at the 4 KB
 * boundary, is dropped when it is the end of a line CloudWatch had.
 */
export function mergeWithTail(full: readonly string[], tail: readonly string[]): string[] {
  const seen = new Set(full);
  const cutEnd = (line: string, i: number): boolean => i === 0 && full.some((whole) => whole.endsWith(line));
  return [...full, ...tail.filter((line, i) => !seen.has(line) && !cutEnd(line, i))];
}

/**
 * Reads each answered invocation's full log from CloudWatch Logs (the Invoke tail holds only its last 4 KB) and
 * puts it in the observation's `logs`. The wait for logs happens outside the guard, so the function is not left
 * idle while logs arrive seconds late: the wrapper's `parallelism` adds the invocations that may be waiting at the
 * run's rate (rate × wait, at most {@link MAX_EXTRA_IN_FLIGHT}), while the guard still holds the function to its
 * caps. The tail's lines the full log lacks are kept after it. A log that does not arrive complete in time is
 * what arrived plus the tail, said in a notice (the first one, then a count when the run ends), never silently.
 *
 * The observation object is the key between the runner's hook and the wrapper: the guard returns the runner's
 * observation as is, and a WeakMap forgets whatever the wrapper never sees (a throttled attempt the guard retried).
 */
export function createCloudWatchFullLogs(options: CloudWatchFullLogsOptions): CloudWatchFullLogs {
  const requests = new WeakMap<Observation, InvokedRequest>();
  return {
    onInvoked: (observation, request) => requests.set(observation, request),
    wrap: (runner) => wrapRunner(runner, requests, options),
  };
}

function wrapRunner(runner: GuardedRunner, requests: WeakMap<Observation, InvokedRequest>, options: CloudWatchFullLogsOptions): GuardedRunner {
  const extra = Math.min(MAX_EXTRA_IN_FLIGHT, Math.ceil((options.ratePerSecond * options.waitMs) / 1000));
  let access: LogsAccess | undefined;
  let reader: CloudWatchLogReader | undefined;
  let read = 0;
  let partial = 0;

  const fallBack = (observation: Observation, request: InvokedRequest, log: FullLog): Observation => {
    partial++;
    if (partial === 1) {
      const why = log.cut ? 'was longer than the 256 KiB kept per invocation' : (log.reason ?? 'did not arrive complete');
      options.notice(`eventfuzz: warning: --logs cloudwatch: the full log of request ${request.requestId} ${why}; it is judged on the lines that arrived and the 4 KB log tail (raise --logs-wait if logs arrive late). Later cases like it are counted when the run ends.`);
    }
    // The tail's effects stay: a partial log may lack the layer's summary the tail holds.
    const merged = withFullLog(observation, log.lines, request.nonce);
    return { ...merged, effects: observation.effects ?? merged.effects };
  };

  return {
    kind: runner.kind,
    get parallelism() {
      return runner.parallelism + extra;
    },
    get invocations() {
      return runner.invocations;
    },
    get throttled() {
      return runner.throttled;
    },
    get exhausted() {
      return runner.exhausted;
    },
    get currentRate() {
      return runner.currentRate;
    },

    /** Probes the log group before the runner starts: a missing group or permission stops the run before any invocation. */
    async start() {
      access ??= options.access ?? (await createLogsAccess(options));
      try {
        await access.probe();
      } catch (error) {
        access.close();
        access = undefined;
        throw error;
      }
      reader = createCloudWatchLogReader({ logGroupName: options.logGroupName, filter: access.filter, waitMs: options.waitMs, minIntervalMs: options.minIntervalMs, isThrottling: isLogsThrottling });
      options.notice(`eventfuzz: --logs cloudwatch: reading each invocation's full log from ${options.logGroupName} (waiting up to ${options.waitMs} ms for it; FilterLogEvents at most once a second, one call for many invocations)`);
      await runner.start();
    },

    async invoke(invocation) {
      const observation = await runner.invoke(invocation);
      const request = requests.get(observation);
      // No answer from Lambda (cut at the timeout, refused, throttled to the end): no request id, no log to read.
      if (request === undefined || reader === undefined) return observation;
      requests.delete(observation);
      read++;
      const log = await reader.read({ requestId: request.requestId, logStreamName: request.logStreamName, invokedAtMs: request.invokedAtMs });
      // Merged with the tail even when complete: --logs cloudwatch never sees less than the tail did.
      return log.complete && !log.cut ? withFullLog(observation, log.lines, request.nonce) : fallBack(observation, request, log);
    },

    async close() {
      reader?.close();
      if (partial > 1) options.notice(`eventfuzz: --logs cloudwatch: ${partial} of ${read} invocations were judged on a partial log (what arrived in time and the 4 KB tail).`);
      access?.close();
      access = reader = undefined;
      await runner.close();
    },
  };
}
