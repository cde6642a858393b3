// The fixed twin of handler.mjs: the merge skips the keys that lead to prototypes (__proto__, constructor,
// prototype) and only recurses into objects it owns, so a message can only change its own preferences.

const DEFAULTS = { theme: 'light', language: 'en', notifications: { email: true, sms: false } };
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function merge(target, source) {
  for (const key of Object.keys(source)) {
    if (FORBIDDEN.has(key)) continue;
    const value = source[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const own = Object.hasOwn(target, key) ? target[key] : undefined;
      target[key] = merge(typeof own === 'object' && own !== null ? own : {}, value);
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
