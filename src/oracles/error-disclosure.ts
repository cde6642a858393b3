import type { Finding, FuzzCase } from '../core/index.js';
import { safeStringify } from '../core/safe-globals.js';
import { responseHaystack, segmentAt } from './response-text.js';
import { defineOracle } from './types.js';

/** One kind of internal detail a response must not carry. Patterns are bounded: responses are hostile input. */
interface Disclosure {
  readonly kind: string;
  readonly what: string;
  readonly pattern: RegExp;
  readonly severity: Finding['severity'];
}

const DISCLOSURES: readonly Disclosure[] = [
  {
    kind: 'stack-trace',
    what: 'a stack trace',
    // `at fn (/abs/file.js:12:34)` or `at /abs/file.js:12:34`, also inside JSON-escaped text.
    pattern: /\bat (?:[^\s()]{1,200} )?\(?(?:file:\/\/)?(?:\/|[A-Za-z]:\\)[^\s():'"]{1,300}:\d{1,7}:\d{1,7}\)?/,
    severity: 'medium',
  },
  {
    kind: 'task-path',
    what: "an absolute path of the function's code",
    pattern: /\/(?:var\/task|var\/runtime|opt\/nodejs)\/[\w.@/-]{1,200}/,
    severity: 'low',
  },
  {
    kind: 'sql-error',
    what: 'a database error message',
    pattern: /You have an error in your SQL syntax|syntax error at or near|SQLITE_ERROR|unterminated quoted string|\bORA-\d{5}\b|MongoServerError|\bCastError: /,
    severity: 'medium',
  },
  {
    kind: 'runtime-error',
    what: 'an internal error message',
    pattern: /\b(?:TypeError|ReferenceError|SyntaxError|RangeError|EvalError): \S|\b(?:ENOENT|EACCES|EPERM|ECONNREFUSED|ETIMEDOUT|EISDIR): \S/,
    severity: 'low',
  },
  {
    kind: 'aws-error',
    what: 'an internal AWS error',
    pattern: /\b(?:AccessDeniedException|ValidationException|ResourceNotFoundException|ConditionalCheckFailedException|UnrecognizedClientException)\b|is not authorized to perform: /,
    severity: 'low',
  },
];

const EXCERPT_RADIUS = 80;
const eventText = new WeakMap<FuzzCase, string>();

/**
 * `error-disclosure`: the response a caller receives carries internals — a stack trace, an absolute path of
 * the function's code, or an internal error message (runtime, database, AWS). Only the returned value counts:
 * logs stay in the account, and Lambda answers a thrown error with a generic 502. Text that the request
 * itself carried is reflection, not disclosure, and is ignored.
 */
export const errorDisclosure = defineOracle({
  id: 'error-disclosure',
  description: 'a response carries a stack trace, a path of the function code or an internal error message',
  docs: {
    cwe: 'CWE-209',
    securitySeverity: '5.3',
    help: "A response carried a stack trace, a path of the function's code or an internal error message. It tells an attacker the code layout, libraries and versions, and often why a payload failed.",
    fix: "Catch errors at the handler boundary, log the details, and return a generic message with a request id; disable debug error pages in frameworks (Express, middy) in deployed stages.",
  },
  check(observation, context) {
    const haystack = responseHaystack(observation.outcome);
    if (haystack.text.length === 0) return [];
    const findings: Finding[] = [];
    for (const disclosure of DISCLOSURES) {
      const match = disclosure.pattern.exec(haystack.text);
      if (match === null || requestText(context.case).includes(match[0])) continue;
      const segment = segmentAt(haystack, match.index);
      findings.push({
        oracle: 'error-disclosure',
        confidence: 'confirmed',
        severity: disclosure.severity,
        title: `The ${segment.label} discloses ${disclosure.what}`,
        evidence: `${segment.label}: …${excerpt(haystack.text, match.index, match[0].length)}…`,
        signature: `${disclosure.kind}:${segment.label}`,
      });
    }
    return findings;
  },
});

/** The whole request as text, to tell reflection from disclosure. Computed once per case. */
function requestText(fuzzCase: FuzzCase): string {
  let text = eventText.get(fuzzCase);
  if (text === undefined) eventText.set(fuzzCase, (text = safeStringify(fuzzCase.event) ?? ''));
  return text;
}

function excerpt(text: string, index: number, length: number): string {
  return text.slice(Math.max(0, index - EXCERPT_RADIUS), index + length + EXCERPT_RADIUS).replaceAll('\u0000', ' | ');
}
