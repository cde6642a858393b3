import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../src/api/fuzz.js';

const sample = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;

describe('in-process campaigns started at once in one process', () => {
  it('each finds what it finds alone, on its own handler (they take turns holding the process)', async () => {
    const reports = await Promise.all([
      fuzz({ handler: 'examples/07-apigw-path-traversal/handler.mjs', samples: [sample('examples/07-apigw-path-traversal/event.json')], runs: 600, seed: 1, runner: 'in-process' }),
      fuzz({ handler: 'examples/03-apigw-secret-leak/handler.mjs', source: 'apigw-rest', runs: 300, seed: 1, runner: 'in-process' }),
      fuzz({ handler: 'examples/10-sqs-prototype-pollution/handler.mjs', samples: [sample('examples/10-sqs-prototype-pollution/event.json')], runs: 600, seed: 1, runner: 'in-process' }),
      fuzz({ handler: 'examples/02-s3-command-injection/safe.mjs', source: 's3', runs: 300, seed: 1, runner: 'in-process' }),
    ]);
    // Sharing the process at once, they reported each other's bugs: a prototype pollution on the path-traversal
    // handler, nothing on the polluting one.
    expect(reports.map((report) => [...new Set(report.findings.map((finding) => finding.oracle))].sort())).toEqual([['path-traversal'], ['secret-leak'], ['prototype-pollution'], []]);
  }, 120_000);
});
