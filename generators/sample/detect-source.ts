import type { SourceId } from '../types.js';

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Which AWS event source produced `sample`, judged by the envelope fields that each source always sets
 * (FIELDS.md §1–5):
 * - `Records[0].eventSource` `aws:sqs` / `aws:s3`, or `Records[0].EventSource` `aws:sns` (SNS spells it in
 *   Pascal case);
 * - `version: '2.0'` with `rawPath` and `requestContext.http`: an HTTP API payload 2.0 event or a Lambda
 *   Function URL event, which has the same shape;
 * - `httpMethod`, `resource` and `requestContext`: a REST API proxy event (also an HTTP API payload 1.0 event).
 *
 * @returns The source, or `undefined` for anything else (a custom event, or a source eventfuzz does not model such
 *   as ALB or EventBridge); such events are handled as custom events.
 */
export function detectSource(sample: unknown): SourceId | undefined {
  if (!isObject(sample)) return undefined;
  const records = sample['Records'];
  if (Array.isArray(records)) {
    const first: unknown = records[0];
    if (!isObject(first)) return undefined;
    if (first['eventSource'] === 'aws:sqs') return 'sqs';
    if (first['eventSource'] === 'aws:s3') return 's3';
    if (first['EventSource'] === 'aws:sns') return 'sns';
    return undefined;
  }
  const context = sample['requestContext'];
  if (!isObject(context)) return undefined;
  if (sample['version'] === '2.0' && typeof sample['rawPath'] === 'string' && isObject(context['http'])) return 'apigw-http';
  if (typeof sample['httpMethod'] === 'string' && typeof sample['resource'] === 'string') return 'apigw-rest';
  return undefined;
}
