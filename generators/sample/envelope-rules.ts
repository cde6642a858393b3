import type { CodecId } from '../codecs.js';
import type { SourceId } from '../types.js';

/**
 * A field of an event envelope, written as dot-separated keys: `*` stands for any one key or array index, and a
 * key ending in `*` for any key with that prefix (`CloudFront-*`). Keys compare case-insensitively, because a
 * REST API keeps the client's casing of header names.
 */
export type FieldPattern = string;

/** The object holding the field a rule looks at (a message attribute, the event for `body`). */
export type Holder = Readonly<Record<string, unknown>>;

/** Decides from the object holding the field, or the whole event, whether a rule applies. */
export type RuleCondition = (holder: Holder, root: unknown) => boolean;

/** A pattern that only applies when the event says so. */
export interface ConditionalPattern {
  readonly at: FieldPattern;
  readonly when: RuleCondition;
}

/** A string field that holds an encoding: an attacker writes the decoded value, never the raw text. */
export interface EncodingRule {
  readonly at: FieldPattern;
  readonly codec: CodecId;
  /** The raw text is something an attacker sends as well (a whole `Cookie` header), so target it too. */
  readonly andRaw?: boolean;
  readonly when?: RuleCondition;
}

/**
 * Which envelope fields of a known source an attacker writes. `deny` names what AWS sets (a pattern covers the
 * field and everything below it), `allow` the attacker fields inside a denied object; when both match a field,
 * the longer pattern wins, so `allow: Records.*.body` carves the body out of `deny: Records`. Inside a JSON string
 * (a body, a message) every field belongs to the sender, so these rules stop at the first codec. The lists follow
 * the "Who controls what" part of each section of the team's event field reference (FIELDS.md §1–5).
 */
export interface EnvelopeRules {
  readonly deny: readonly (FieldPattern | ConditionalPattern)[];
  readonly allow: readonly FieldPattern[];
  readonly encodings: readonly EncodingRule[];
  /**
   * Attacker fields AWS checks hold a number (a `Number` message attribute): the sender picks which number, so
   * they are targets, but only for values that parse as one (`0`, `-1`, `1e3`).
   */
  readonly numbers?: readonly ConditionalPattern[];
}

/**
 * Header values API Gateway, CloudFront or the Function URL front end set, whatever the client sends:
 * the routed `Host`, the forwarding port and scheme, the computed length, CloudFront's own headers, TLS details.
 */
const AWS_SET_HEADERS = ['host', 'x-forwarded-port', 'x-forwarded-proto', 'content-length', 'via', 'x-amz-cf-id', 'cloudfront-*', 'x-amzn-tls-*'];

/**
 * Headers AWS checks before the handler runs: SigV4's signed date, token and body hash (IAM auth), and the
 * `Authorization` header when an authorizer validated it (a changed token would have been rejected).
 */
const SIGNED_HEADERS = ['x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'];
const hasAuthorizer: RuleCondition = (_holder, root) => {
  const context = (root as { requestContext?: { authorizer?: unknown } } | null)?.requestContext;
  return typeof context?.authorizer === 'object' && context.authorizer !== null;
};
const authorizationWhenAuthorized = (map: string): ConditionalPattern => ({ at: `${map}.authorization`, when: hasAuthorizer });

const base64Body = (holder: Holder): boolean => holder['isBase64Encoded'] === true;

/**
 * REST API payload 1.0: the request line, headers, query, path parameters and body are the client's;
 * `resource`, `stageVariables` and `requestContext` are API Gateway's, except the mirrored path and user agent.
 * `httpMethod` is limited to the methods the API configures, so it never carries a payload.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
 */
const apigwRest: EnvelopeRules = {
  deny: [
    'resource',
    'httpMethod',
    'stageVariables',
    'requestContext',
    ...[...AWS_SET_HEADERS, ...SIGNED_HEADERS].flatMap((h) => [`headers.${h}`, `multiValueHeaders.${h}`]),
    authorizationWhenAuthorized('headers'),
    authorizationWhenAuthorized('multiValueHeaders'),
  ],
  allow: ['requestContext.path', 'requestContext.identity.userAgent'],
  encodings: [
    { at: 'body', codec: 'http-body', when: base64Body },
    { at: 'headers.cookie', codec: 'cookie-header', andRaw: true },
    { at: 'multiValueHeaders.cookie.*', codec: 'cookie-header', andRaw: true },
  ],
};

/**
 * HTTP API payload 2.0 and Function URLs: as REST, with `version`/`routeKey` set by AWS and cookies split out.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
const apigwHttp: EnvelopeRules = {
  deny: [
    'version',
    'routeKey',
    'stageVariables',
    'requestContext',
    ...[...AWS_SET_HEADERS, ...SIGNED_HEADERS].map((h) => `headers.${h}`),
    authorizationWhenAuthorized('headers'),
  ],
  allow: ['requestContext.http.path', 'requestContext.http.userAgent'],
  encodings: [
    { at: 'body', codec: 'http-body', when: base64Body },
    { at: 'cookies.*', codec: 'cookie-pair' },
    { at: 'headers.cookie', codec: 'cookie-header', andRaw: true },
  ],
};

/**
 * S3: only the object key is the writer's (size and eTag follow from the content and are numbers or hex).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
const s3: EnvelopeRules = {
  deny: ['Records'],
  allow: ['Records.*.s3.object.key'],
  encodings: [{ at: 'Records.*.s3.object.key', codec: 's3-key' }],
};

/**
 * SQS: the sender writes the body, the message attributes (not their `dataType`, and a `Number` value must stay a
 * number, which SQS checks), the FIFO group and deduplication ids and `AWSTraceHeader`. Ids, receipt handles,
 * md5s, timestamps and the queue ARN are AWS's.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
const sqs: EnvelopeRules = {
  deny: [
    'Records',
    'Records.*.messageAttributes.*.dataType',
  ],
  allow: [
    'Records.*.body',
    'Records.*.messageAttributes',
    'Records.*.attributes.MessageGroupId',
    'Records.*.attributes.MessageDeduplicationId',
    'Records.*.attributes.AWSTraceHeader',
  ],
  encodings: [{ at: 'Records.*.messageAttributes.*.binaryValue', codec: 'base64' }],
  numbers: [{ at: 'Records.*.messageAttributes.*.stringValue', when: (holder) => String(holder['dataType']).startsWith('Number') }],
};

/**
 * SNS: the publisher writes `Subject`, `Message` and the attribute values; ids, ARNs, signature and URLs are AWS's.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
const sns: EnvelopeRules = {
  deny: ['Records', 'Records.*.Sns.MessageAttributes.*.Type'],
  allow: ['Records.*.Sns.Subject', 'Records.*.Sns.Message', 'Records.*.Sns.MessageAttributes'],
  encodings: [{ at: 'Records.*.Sns.MessageAttributes.*.Value', codec: 'base64', when: (holder) => holder['Type'] === 'Binary' }],
  numbers: [{ at: 'Records.*.Sns.MessageAttributes.*.Value', when: (holder) => holder['Type'] === 'Number' }],
};

/** The rules of every source eventfuzz models; an event of any other shape is a custom event with no envelope. */
export const envelopeRules = { 'apigw-rest': apigwRest, 'apigw-http': apigwHttp, s3, sqs, sns } as const satisfies Record<SourceId, EnvelopeRules>;

/**
 * Whether an attacker writes the envelope field at `path`, whose holder is `holder`.
 * @internal
 */
export function isAttackerField(rules: EnvelopeRules, path: readonly (string | number)[], holder: Holder, root: unknown): boolean {
  let denied = 0;
  for (const entry of rules.deny) {
    const at = typeof entry === 'string' ? entry : entry.at;
    if (typeof entry !== 'string' && !entry.when(holder, root)) continue;
    denied = Math.max(denied, prefixLength(at, path));
  }
  let allowed = 0;
  for (const at of rules.allow) allowed = Math.max(allowed, prefixLength(at, path));
  return allowed > denied || denied === 0;
}

/**
 * The encoding rule for the envelope field at `path`, if any.
 * @internal
 */
export function encodingAt(rules: EnvelopeRules, path: readonly (string | number)[], holder: Holder, root: unknown): EncodingRule | undefined {
  // prefixLength equals path.length only when the pattern has as many keys as the path: a whole-field match
  return rules.encodings.find((rule) => prefixLength(rule.at, path) === path.length && (rule.when?.(holder, root) ?? true));
}

/**
 * Whether the envelope field at `path` must hold a number (see `EnvelopeRules.numbers`).
 * @internal
 */
export function isNumberField(rules: EnvelopeRules, path: readonly (string | number)[], holder: Holder, root: unknown): boolean {
  return (rules.numbers ?? []).some((rule) => prefixLength(rule.at, path) === path.length && rule.when(holder, root));
}

/** What SQS and SNS accept as a `Number` attribute's value: a decimal, optionally signed, with an exponent. */
export function isNumberText(value: string): boolean {
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value);
}

const compiled = new Map<string, readonly string[]>();

function splitPattern(pattern: FieldPattern): readonly string[] {
  let keys = compiled.get(pattern);
  if (keys === undefined) {
    keys = pattern.toLowerCase().split('.');
    compiled.set(pattern, keys);
  }
  return keys;
}

/** The number of keys in `pattern` when it matches the start of `path`, else 0. */
function prefixLength(pattern: FieldPattern, path: readonly (string | number)[]): number {
  const keys = splitPattern(pattern);
  if (keys.length > path.length) return 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const actual = String(path[i]).toLowerCase();
    if (key === '*') continue;
    if (key.length > 1 && key.endsWith('*') ? !actual.startsWith(key.slice(0, -1)) : actual !== key) return 0;
  }
  return keys.length;
}
