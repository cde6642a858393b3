import type fc from 'fast-check';
import type { Path } from './inject.js';

export type SourceId = 'apigw-rest' | 'apigw-http' | 's3' | 'sqs' | 'sns';

/** What kind of field an injection point is: used for payload fit and for reports. */
export type FieldKind = 'body' | 'query' | 'header' | 'cookie' | 'path' | 'object-key' | 'message' | 'attribute' | 'subject';

/** A field an outside party controls, declared as data; one function (`writeAt`) writes every point. */
export interface InjectionPoint {
  readonly path: Path;
  readonly kind: FieldKind;
  /**
   * Whether a decoded value could really arrive in this field (AWS rejects CR/LF in headers, non-ASCII SNS
   * subjects, S3 keys over 1024 bytes…). Payloads whose placed value fails this are not sent here.
   */
  readonly accepts?: (value: string) => boolean;
}

/**
 * One AWS event source: an arbitrary of valid events, the fields an attacker controls, and how to restore the
 * derived fields (md5s, multi-value maps, raw query string, content-length) after a field was written.
 */
export interface EventSource<E = unknown> {
  readonly id: SourceId;
  readonly title: string;
  readonly arbitrary: () => fc.Arbitrary<E>;
  /**
   * The most ordinary valid event of this source (see `plainEvent`): what a baseline invocation sends when the
   * user gave no samples. Deterministic, and valid under the Powertools schema of the source.
   */
  readonly plain: () => E;
  readonly injectionPoints: readonly InjectionPoint[];
  /** Pure: returns an event whose derived fields agree with its attacker-controlled ones. Never mutates. */
  readonly sync: (event: E) => E;
}

/** Identity helper that keeps the literal's types (STYLE: `defineXxx`). */
export function defineEventSource<E>(source: EventSource<E>): EventSource<E> {
  return source;
}
