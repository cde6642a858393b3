import type { SNSMessage, SNSMessageAttributes } from 'aws-lambda';
import type { Entropy } from './entropy.js';
import type { AttributeSpec } from './messages.js';
import { accountId, epochMs, isoMs, region as anyRegion, resourceName } from './aws.js';
import { randomBase64, randomHex, randomUuid } from './fast-random.js';

/**
 * One SNS notification, independent of how it is delivered. SNS → Lambda renders it with `lambdaSnsMessage`
 * (`SigningCertUrl`/`UnsubscribeUrl`, `Subject: null`); SNS → SQS without raw delivery renders it with
 * `sqsEnvelopeBody` (SNS's HTTP/SQS JSON: `SigningCertURL`/`UnsubscribeURL`, no `Subject` key when none).
 */
export interface SnsNotification {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subscriptionArn: string;
  readonly subject: string | null;
  readonly message: string;
  readonly timestamp: string;
  readonly signatureVersion: '1' | '2';
  readonly signature: string;
  readonly signingCertUrl: string;
  readonly unsubscribeUrl: string;
  readonly attributes: readonly AttributeSpec[];
}

/** A topic and one subscription to it: the fixed part of every notification that subscription receives. */
export interface SnsSubscription {
  readonly region: string;
  readonly topicArn: string;
  readonly subscriptionArn: string;
  /** SNS signs with one regional certificate at a time, so every notification of a batch names the same one. */
  readonly signingCertUrl: string;
  /** A topic setting: SHA1withRSA (`1`, the default) or SHA256withRSA (`2`). */
  readonly signatureVersion: '1' | '2';
}

/** A topic in `region` (any region when omitted) and a subscription to it (`{TopicArn}:{uuid}`). */
export function snsSubscription(e: Entropy, region: string = anyRegion(e)): SnsSubscription {
  const topicArn = `arn:aws:sns:${region}:${accountId(e)}:${resourceName(e).replace('-queue', '-topic')}`;
  const signingCertUrl = `https://sns.${region}.amazonaws.com/SimpleNotificationService-${randomHex(e, 32)}.pem`;
  return { region, topicArn, subscriptionArn: `${topicArn}:${randomUuid(e)}`, signingCertUrl, signatureVersion: e.bool(0.8) ? '1' : '2' };
}

/** What the publisher chose, plus where and when it was published. */
export interface SnsNotificationOptions {
  readonly message: string;
  /** `null` when the publisher gave none. */
  readonly subject: string | null;
  /** Message attributes as published (default none). */
  readonly attributes?: readonly AttributeSpec[];
  /** Drawn when absent. */
  readonly subscription?: SnsSubscription;
  /** Publish time in epoch ms; drawn when absent. */
  readonly epoch?: number;
}

/** Builds a notification whose ARNs, URLs and region agree (FIELDS.md §5 invariants 1 and 2). */
export function snsNotification(e: Entropy, options: SnsNotificationOptions): SnsNotification {
  const { region, topicArn, subscriptionArn, signingCertUrl, signatureVersion } = options.subscription ?? snsSubscription(e);
  return {
    // SNS message ids are name-based (version 5) UUIDs.
    messageId: randomUuid(e, 5),
    topicArn,
    subscriptionArn,
    subject: options.subject,
    message: options.message,
    timestamp: isoMs(options.epoch ?? epochMs(e)),
    signatureVersion,
    // A 2048-bit RSA signature: 256 bytes, 344 base64 chars. Shape only; it cannot verify (FIELDS.md §5 inv. 5).
    signature: randomBase64(e, 256),
    signingCertUrl,
    unsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
    attributes: options.attributes ?? [],
  };
}

/**
 * The `Sns` object of a Lambda event, keys in the order real events have them. Lambda delivers `Number`
 * attributes as `String`. `Subject` is `null` when absent, which `SNSMessage` (optional string) does not model.
 */
export function lambdaSnsMessage(n: SnsNotification): SNSMessage {
  const attributes: SNSMessageAttributes = {};
  for (const a of n.attributes) attributes[a.name] = { Type: a.type === 'Binary' ? 'Binary' : 'String', Value: a.value };
  return {
    Type: 'Notification',
    MessageId: n.messageId,
    TopicArn: n.topicArn,
    Subject: n.subject as string,
    Message: n.message,
    Timestamp: n.timestamp,
    SignatureVersion: n.signatureVersion,
    Signature: n.signature,
    SigningCertUrl: n.signingCertUrl,
    UnsubscribeUrl: n.unsubscribeUrl,
    MessageAttributes: attributes,
  };
}

/**
 * The SQS body SNS writes for a subscribed queue without raw message delivery, in SNS's layout (see
 * `formatSnsJson`, which renders the same bytes from a parsed envelope). Written directly: it is on the hot path.
 */
export function sqsEnvelopeBody(n: SnsNotification): string {
  const q = JSON.stringify;
  // Ids, ARNs, times, URLs and the signature are plain ASCII without quotes or backslashes: no escaping needed.
  let out = `{\n  "Type" : "Notification",\n  "MessageId" : "${n.messageId}",\n  "TopicArn" : "${n.topicArn}",\n`;
  // SNS leaves the key out, rather than writing null, when the publisher gave no subject.
  if (n.subject !== null) out += `  "Subject" : ${q(n.subject)},\n`;
  out += `  "Message" : ${q(n.message)},\n  "Timestamp" : "${n.timestamp}",\n  "SignatureVersion" : "${n.signatureVersion}",\n`;
  out += `  "Signature" : "${n.signature}",\n  "SigningCertURL" : "${n.signingCertUrl}",\n  "UnsubscribeURL" : "${n.unsubscribeUrl}"`;
  if (n.attributes.length > 0) {
    const inner = n.attributes.map((a) => `    ${q(a.name)} : {"Type":"${a.type}","Value":${q(a.value)}}`);
    out += `,\n  "MessageAttributes" : {\n${inner.join(',\n')}\n  }`;
  }
  return `${out}\n}`;
}

/**
 * Renders an SNS JSON document the way SNS lays it out (`"Key" : value`, one key per line, attribute objects
 * compact), so a body re-encoded after injection is byte-for-byte in SNS's style again.
 */
export function formatSnsJson(doc: Readonly<Record<string, unknown>>): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'MessageAttributes' && typeof value === 'object' && value !== null) {
      const inner = Object.entries(value).map(([name, attribute]) => `    ${JSON.stringify(name)} : ${JSON.stringify(attribute)}`);
      lines.push(`  "MessageAttributes" : {\n${inner.join(',\n')}\n  }`);
    } else {
      lines.push(`  ${JSON.stringify(key)} : ${JSON.stringify(value)}`);
    }
  }
  return `{\n${lines.join(',\n')}\n}`;
}

/** Whether an SQS body is a (possibly re-encoded) SNS notification envelope, without parsing it. */
export const looksLikeSnsEnvelope = (body: string): boolean => /^\{\s*"Type"\s*:\s*"Notification"/.test(body);
