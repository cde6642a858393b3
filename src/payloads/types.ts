import { markerOperands } from '../core/marker.js';

/** Where a payload is meant to be interpreted (the sink), not how it is transported. */
export type SinkContext =
  | 'shell'
  | 'js'
  | 'sql'
  | 'nosql'
  | 'path'
  | 'url'
  | 'template'
  | 'regex'
  | 'xml'
  | 'html'
  | 'log'
  | 'header'
  | 'format'
  | 'any';

/** One entry of the payload corpus, as loaded from `payloads/<family>.json`. */
export interface Payload {
  /** Unique across the corpus, `[a-z0-9-]+`. */
  readonly id: string;
  /** The file's family: `command-injection`, `path-traversal`, … */
  readonly family: string;
  /** Text with `{{token}}` where this case's canary goes, and `{{a}}`, `{{b}}` where its marker operands go. */
  readonly template: string;
  readonly contexts: readonly SinkContext[];
  /** Oracle ids that this payload can confirm when it hits. */
  readonly confirms: readonly string[];
  /** What a hit proves, in one sentence. */
  readonly proves: string;
  /**
   * When true the rendered template is a JSON value (`{"$ne": null}`) placed as a value in JSON-decoded fields
   * only; otherwise it is text.
   */
  readonly json?: boolean;
  readonly ref?: string;
}

/** Where a template writes the per-case arithmetic operands of its evaluated marker (`{{a}}*{{b}}`). */
export const OPERAND_PLACEHOLDERS = ['{{a}}', '{{b}}'] as const;

/**
 * Fills a template's `{{token}}` placeholders with a canary and its `{{a}}`, `{{b}}` with the marker operands
 * derived from that canary (see `markerOperands`): the one place a payload is rendered, so the text sent and the
 * marker an oracle expects always agree.
 */
export function renderPayload(template: string, token: string): string {
  const text = template.replaceAll('{{token}}', token);
  if (!text.includes('{{a}}') && !text.includes('{{b}}')) return text;
  const { a, b } = markerOperands(token);
  return text.replaceAll('{{a}}', String(a)).replaceAll('{{b}}', String(b));
}
