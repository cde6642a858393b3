// The fixed twin of handler.mjs: the path is one argv entry of execFile, never parsed by a shell, so quotes,
// `;` or `$(…)` in an object key are just part of a (strange) file name.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** @param {import('aws-lambda').S3Event} event */
export async function handler(event) {
  const results = [];
  for (const record of event.Records) {
    // S3 form-encodes keys in notifications: `+` is a space, the rest is percent-encoded.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    try {
      const { stdout } = await run('file', ['--brief', `/tmp/${key}`]);
      results.push({ key, type: stdout.trim() });
    } catch (error) {
      console.error(`could not inspect ${key}: ${error.message}`);
      results.push({ key, type: null });
    }
  }
  return { results };
}
