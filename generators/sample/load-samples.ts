import { readFileSync } from 'node:fs';
import { HarnessError } from '../../src/core/errors.js';
import { locateJsonError } from './json-error.js';

/**
 * Reads the events a user gave with `--sample FILE`: one event (a JSON object) or an array of events.
 * A byte-order mark, as some editors write, is ignored.
 *
 * @param file - Path of the JSON file, as the user typed it (it appears in error messages).
 * @returns The events, in file order; never empty.
 * @throws HarnessError `EFZ_SAMPLE_INVALID` naming the file and what is wrong: it cannot be read, it is not
 *   JSON (with line, column and offset), or it holds something other than an object or a non-empty array of objects.
 */
export function loadSamples(file: string): unknown[] {
  const text = readSampleFile(file);
  const value = parseSampleText(file, text);
  if (Array.isArray(value)) {
    if (value.length === 0) fail(file, 'holds an empty array; give at least one event');
    value.forEach((event, index) => {
      if (!isEventObject(event)) fail(file, `element [${index}] is ${describe(event)}, but every element of the array must be an event (a JSON object)`);
    });
    value.forEach((event, index) => checkLambdaLimits(file, event, `element [${index}] `));
    return value as unknown[];
  }
  if (!isEventObject(value)) fail(file, `holds ${describe(value)}; it must hold one event (a JSON object) or an array of events`);
  checkLambdaLimits(file, value, '');
  return [value];
}

/** Lambda refuses a synchronous invocation whose payload is over 6 MB (6,291,456 bytes of JSON). */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** An SQS event source mapping delivers at most 10,000 records in one batch. */
export const MAX_SQS_BATCH_RECORDS = 10_000;

/**
 * A sample Lambda could never deliver would make every case built on it a fake event: refused with the limit
 * named, so the user trims the sample instead of reading findings no real trigger can cause.
 */
function checkLambdaLimits(file: string, event: unknown, which: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(event), 'utf8');
  if (bytes > MAX_INVOKE_PAYLOAD_BYTES) {
    fail(file, `${which}is ${bytes.toLocaleString('en-US')} bytes of JSON, over Lambda's invocation payload limit of 6 MB (${MAX_INVOKE_PAYLOAD_BYTES.toLocaleString('en-US')} bytes); trim it`);
  }
  const records = (event as { Records?: unknown }).Records;
  if (Array.isArray(records) && records.length > MAX_SQS_BATCH_RECORDS && records.some((r) => (r as { eventSource?: unknown } | null)?.eventSource === 'aws:sqs')) {
    fail(file, `${which}holds ${records.length.toLocaleString('en-US')} SQS records, over the ${MAX_SQS_BATCH_RECORDS.toLocaleString('en-US')} records an SQS trigger delivers in one batch; trim it`);
  }
}

function readSampleFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory, not a file' : code === 'EACCES' ? 'permission denied' : String((cause as Error).message);
    throw new HarnessError('EFZ_SAMPLE_INVALID', `Cannot read sample file "${file}": ${reason}.`, { cause });
  }
}

function parseSampleText(file: string, text: string): unknown {
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (json.trim() === '') fail(file, 'is empty; it must hold one event (a JSON object) or an array of events');
  try {
    return JSON.parse(json) as unknown;
  } catch (cause) {
    const where = locateJsonError(json);
    const at = where === undefined ? '' : ` at line ${where.line}, column ${where.column} (position ${where.offset})`;
    throw new HarnessError('EFZ_SAMPLE_INVALID', `Sample file "${file}" is not valid JSON${at}: ${(cause as Error).message}`, { cause });
  }
}

function isEventObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function fail(file: string, what: string): never {
  throw new HarnessError('EFZ_SAMPLE_INVALID', `Sample file "${file}" ${what}.`);
}
