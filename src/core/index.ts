export type { Placement, Injection, FuzzCase, PairCoverage } from './case.js';
export { CANARY_PATTERN, CANARY_PROGRAM_NAME } from './case.js';
export type { Confidence, Severity, Finding } from './finding.js';
export { dedupeKey } from './finding.js';
export type {
  Outcome,
  CallSite,
  Effect,
  ProcessEffect,
  FileEffect,
  NetworkEffect,
  CodeEvalEffect,
  CanaryEffect,
  GlobalsEffect,
  Observation,
} from './observation.js';
export { FROM_EVALUATED_CODE, isUnprobed } from './observation.js';
export type { HarnessErrorCode } from './errors.js';
export { HarnessError, isHarnessError } from './errors.js';
export type { SerializedError } from './serialize-error.js';
export { serializeError } from './serialize-error.js';
export { cloneData } from './clone-data.js';
export type { WatchedSecret } from './secret.js';
export type { EvaluatedMarker, MarkerOperands } from './marker.js';
export { LEGACY_OPERANDS, evaluatedMarker, markerControlPayload, markerOperands } from './marker.js';
