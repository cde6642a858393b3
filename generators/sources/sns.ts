import type { SNSEvent, SNSMessageAttributes } from 'aws-lambda';
import fc from 'fast-check';
import { defineEventSource } from '../types.js';
import { plainEvent, PLAIN_JSON_MESSAGE } from '../plain.js';
import { Entropy, entropySeed } from '../primitives/entropy.js';
import { isDeliverableJsonLeaf, isDeliverableText, isS3Key, isSnsSubject } from '../primitives/limits.js';
import { attributeMakers, jsonMessage, textMessage } from '../primitives/messages.js';
import { s3Record, S3_EVENT_NAMES } from '../primitives/s3-record.js';
import { lambdaSnsMessage, snsNotification, snsSubscription } from '../primitives/sns-envelope.js';
import { epochMs } from '../primitives/aws.js';

/** What was published: an application's JSON or text, or an S3 event notification (S3 → SNS → Lambda). */
export type SnsMessageKind = 'json' | 'text' | 's3';
/** The message kinds in shrink order: JSON first, the most common and the richest in injection leaves. */
export const SNS_MESSAGE_KINDS: readonly SnsMessageKind[] = ['json', 'text', 's3'];

/** Options of `snsEvent`; every field narrows what is drawn. */
export interface SnsEventConstraints {
  /** What may have been published (default: all of `SNS_MESSAGE_KINDS`). */
  readonly messageKinds?: readonly SnsMessageKind[];
  /** Message attributes, 0 to 8 (default 3). */
  readonly maxMessageAttributes?: number;
}

const SUBJECTS = ['Order created', 'User signed up', 'Nightly export finished', 'ALARM: "HighErrorRate" in US East (N. Virginia)', 'Test'] as const;

/**
 * SNS notification delivered to Lambda: exactly one record, keys in real order, `SigningCertUrl`/`UnsubscribeUrl`
 * (camel `Url`), one region throughout, `EventSubscriptionArn` equal to the ARN in `UnsubscribeUrl`, `Subject`
 * `null` or a short ASCII line (`SNSMessage` types it as an optional string, FIELDS.md §0). fast-check draws
 * the message kind, whether there is a subject and the attribute count; the rest comes from one seed.
 *
 * Injection points:
 * - `Records[*].Sns.Message` and `Records[*].Sns.Message<json>.**` (its JSON leaves);
 * - `Records[*].Sns.Message<json>.Records[*].s3.object.key<s3-key>` (S3 → SNS);
 * - `Records[*].Sns.Subject` (when the publisher set one);
 * - `Records[*].Sns.MessageAttributes[*].Value` (a Binary attribute becomes String, as its publisher would send it).
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
export function snsEvent(constraints: SnsEventConstraints = {}): fc.Arbitrary<SNSEvent> {
  return fc
    .tuple(
      fc.constantFrom(...(constraints.messageKinds ?? SNS_MESSAGE_KINDS)),
      fc.boolean(),
      fc.integer({ min: 0, max: Math.min(8, constraints.maxMessageAttributes ?? 3) }),
      entropySeed(),
    )
    .map(([kind, withSubject, attributes, seed]) => {
      const e = new Entropy(seed);
      const subscription = snsSubscription(e);
      const epoch = epochMs(e);
      const message =
        kind === 'json'
          ? jsonMessage(e, epoch)
          : kind === 'text'
            ? textMessage(e)
            : JSON.stringify({ Records: [s3Record(e, { eventName: e.pick(S3_EVENT_NAMES), versioned: e.bool(0.3), region: subscription.region, epoch: epoch - e.int(50, 900) })] });
      const subject = withSubject ? (kind === 's3' ? 'Amazon S3 Notification' : e.pick(SUBJECTS)) : null;
      const notification = snsNotification(e, { message, subject, attributes: attributeMakers(e, attributes).map((make) => make(e)), subscription, epoch });
      return {
        Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: subscription.subscriptionArn, Sns: lambdaSnsMessage(notification) }],
      };
    });
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * After a write, a Binary attribute whose value is no longer base64 is retyped `String`: the publisher chooses the
 * type, and SNS would have rejected that value as Binary. Everything else SNS derives (signature aside, which
 * nothing can forge) does not depend on attacker-controlled fields.
 */
export function syncSnsEvent(event: SNSEvent): SNSEvent {
  let changed = false;
  const records = event.Records.map((record) => {
    const attributes = record.Sns.MessageAttributes;
    let retyped: SNSMessageAttributes | undefined;
    for (const [name, attribute] of Object.entries(attributes)) {
      if (attribute.Type === 'Binary' && !BASE64.test(attribute.Value)) (retyped ??= { ...attributes })[name] = { ...attribute, Type: 'String' };
    }
    if (retyped === undefined) return record;
    changed = true;
    return { ...record, Sns: { ...record.Sns, MessageAttributes: retyped } };
  });
  return changed ? { ...event, Records: records } : event;
}

const MESSAGE = ['Records', '*', 'Sns', 'Message'] as const;

/** The SNS event source: arbitrary, attacker-controlled fields and derived-field sync. */
export const sns = defineEventSource<SNSEvent>({
  id: 'sns',
  title: 'Amazon SNS notifications',
  arbitrary: () => snsEvent(),
  // One JSON notification with a plain subject and no message attributes.
  plain: () =>
    plainEvent(
      snsEvent({ messageKinds: ['json'], maxMessageAttributes: 0 }),
      [
        [['Records', 0, 'Sns', 'Message'], PLAIN_JSON_MESSAGE],
        [['Records', 0, 'Sns', 'Subject'], 'Order created'],
      ],
      syncSnsEvent,
    ),
  injectionPoints: [
    { path: MESSAGE, kind: 'message', accepts: isDeliverableText },
    { path: [...MESSAGE, { codec: 'json' }, '**'], kind: 'message', accepts: isDeliverableJsonLeaf },
    { path: [...MESSAGE, { codec: 'json' }, 'Records', '*', 's3', 'object', 'key', { codec: 's3-key' }], kind: 'object-key', accepts: isS3Key },
    { path: ['Records', '*', 'Sns', 'Subject'], kind: 'subject', accepts: isSnsSubject },
    { path: ['Records', '*', 'Sns', 'MessageAttributes', '*', 'Value'], kind: 'attribute', accepts: isDeliverableText },
  ],
  sync: syncSnsEvent,
});
