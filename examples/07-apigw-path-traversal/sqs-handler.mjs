// Deliberately vulnerable, the same bug behind a queue: each SQS message names a document template to render.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const TEMPLATES = '/var/task/templates';

/** @param {import('aws-lambda').SQSEvent} event */
export async function handler(event) {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      const { document } = JSON.parse(record.body);
      // VULNERABLE: `document.name` may climb out of TEMPLATES.
      await readFile(join(TEMPLATES, String(document.name)), 'utf8');
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
