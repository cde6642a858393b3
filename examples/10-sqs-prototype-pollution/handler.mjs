// Deliberately vulnerable: an SQS consumer that applies a user's saved preferences on top of the defaults with a
// hand-written recursive merge. JSON.parse turns "__proto__" into an ordinary own key, and the merge follows it
// into Object.prototype: {"preferences":{"__proto__":{"isAdmin":true}}} makes every object in the function
// claim to be an admin, for every later message this warm container handles.

const DEFAULTS = { theme: 'light', language: 'en', notifications: { email: true, sms: false } };

/** Copies `source` into `target`, recursing into nested objects. VULNERABLE: no key is off limits. */
function merge(target, source) {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      merge(target[key], value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

/** @param {import('aws-lambda').SQSEvent} event */
export async function handler(event) {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      const message = JSON.parse(record.body);
      const preferences = merge(structuredClone(DEFAULTS), message.preferences ?? {});
      await save(message.userId, preferences);
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

/** Stands in for the DynamoDB write. */
async function save(_userId, _preferences) {}
