/**
 * The public generator API (`eventfuzz/generators`): the event-source registry, the arbitraries of valid events
 * for users' own fast-check properties, and the injection machinery.
 */
import { HarnessError } from '../src/core/index.js';
import { apigwHttp } from './sources/apigw-http.js';
import { apigwRest } from './sources/apigw-rest.js';
import { s3 } from './sources/s3.js';
import { sns } from './sources/sns.js';
import { sqs } from './sources/sqs.js';
import type { EventSource, SourceId } from './types.js';

export const eventSources = {
  'apigw-rest': apigwRest,
  'apigw-http': apigwHttp,
  s3,
  sqs,
  sns,
} as const satisfies Record<SourceId, unknown>;

export const sourceIds = Object.keys(eventSources) as SourceId[];

/** The source for an id, or a usage error that lists the known ones. */
export function getEventSource(id: string): EventSource<unknown> {
  if (!Object.hasOwn(eventSources, id)) {
    throw new HarnessError('EFZ_UNKNOWN_SOURCE', `Unknown event source "${id}". Known sources: ${sourceIds.join(', ')}.`);
  }
  return eventSources[id as SourceId] as unknown as EventSource<unknown>;
}

export { apigwRestEvent } from './sources/apigw-rest.js';
export { apigwHttpEvent } from './sources/apigw-http.js';
export { s3Event } from './sources/s3.js';
export { sqsEvent } from './sources/sqs.js';
export { snsEvent } from './sources/sns.js';
export type { EventSource, InjectionPoint, SourceId, FieldKind } from './types.js';
export { formatPath, place, readAt, resolvePaths, writeAt } from './inject.js';
export type { ConcretePath, Path, Segment } from './inject.js';
export { canaryArbitrary } from './canary.js';
export { parseConcretePath, withStoredPayload } from './stored-case.js';
export { buildCase, fuzzCaseArbitrary, toTargets } from './fuzz-case.js';
export type { CaseSpace, FuzzCaseConstraints, TargetPattern } from './fuzz-case.js';
export { caseSpaceForSource, caseSpaceForSamples } from './case-space.js';
export { payloadFreeCase, withOtherPayload } from './payload-free.js';
export { CaseSchedule, FEEDBACK_LAG } from './schedule.js';
