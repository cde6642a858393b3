import { fileURLToPath } from 'node:url';
import type { SourceId } from '../../generators/index.js';
import type { CampaignListener } from '../../src/engine/types.js';

/**
 * The zoo: handlers written the way other teams write them (Powertools parser, middy, compiled CommonJS with
 * `__importDefault`, TypeScript in a CJS-typed package with a helper module, validation of half the input), each
 * with one planted bug and a safe twin fixed the way a careful team would. Each vulnerable handler must show its
 * bug's oracle and each twin nothing, with the user's sample and the default budget; the detection rate is
 * printed at the end. Written by a helper who had not read the oracles; four twins had real bugs eventfuzz found
 * (a NUL byte into spawnSync, `new URL('')` in a zod refinement, express's default error page) and were fixed.
 */
export interface Exhibit {
  readonly name: string;
  readonly handler: string;
  readonly safe: string;
  readonly source: SourceId;
  readonly sample: string;
  readonly oracle: string;
  /** Synchronous hangs can only be stopped from outside the realm. */
  readonly isolated?: boolean;
  /**
   * A bug eventfuzz does not find yet, with the class of the miss. The test then asserts it is still missed, so
   * the day it is found the test fails and asks for this line to go: the rate below only ever moves up.
   */
  readonly knownMiss?: string;
}

export const zoo: readonly Exhibit[] = [
  { name: 'Powertools-parsed SQS transcode job, name into sh -c', handler: 'sqs-transcode/handler.ts', safe: 'sqs-transcode/safe.ts', source: 'sqs', sample: 'sqs-transcode/sample.json', oracle: 'command-injection' },
  { name: 'compiled CJS S3 audit, key into a double-quoted printf', handler: 'legacy-dist/dist/checksum.js', safe: 'legacy-dist/dist/checksum-safe.js', source: 's3', sample: 'legacy-dist/events/s3-upload.json', oracle: 'command-injection' },
  { name: 'compiled CJS SQS pager, page size attribute of 0 never ends', handler: 'legacy-dist/dist/paging.js', safe: 'legacy-dist/dist/paging-safe.js', source: 'sqs', sample: 'legacy-dist/events/sqs-export.json', oracle: 'timeout', isolated: true },
  { name: 'compiled CJS SQS router, partner rule run with vm', handler: 'legacy-dist/dist/routing.js', safe: 'legacy-dist/dist/routing-safe.js', source: 'sqs', sample: 'legacy-dist/events/sqs-ticket.json', oracle: 'code-injection' },
  { name: 'middy REST invoice banner, title into execSync', handler: 'middy-invoice/handler.mjs', safe: 'middy-invoice/safe.mjs', source: 'apigw-rest', sample: 'middy-invoice/sample.json', oracle: 'command-injection' },
  { name: 'TS in a CJS package, HTTP API signup with a backtracking e-mail regex', handler: 'orders-api/src/signup.ts', safe: 'orders-api/src/signup.safe.ts', source: 'apigw-http', sample: 'orders-api/events/http-signup.json', oracle: 'timeout', isolated: true },
  { name: 'TS in a CJS package, SNS subject template rendered with eval', handler: 'orders-api/src/notify.ts', safe: 'orders-api/src/notify.safe.ts', source: 'sns', sample: 'orders-api/events/sns-shipped.json', oracle: 'code-injection' },
  { name: 'TS in a CJS package, REST 400 response spreads process.env', handler: 'orders-api/src/orders.ts', safe: 'orders-api/src/orders.safe.ts', source: 'apigw-rest', sample: 'orders-api/events/rest-add-item.json', oracle: 'secret-leak' },
  { name: 'HTTP API pricing formula through new Function behind a deny-list', handler: 'http-pricing/handler.mjs', safe: 'http-pricing/safe.mjs', source: 'apigw-http', sample: 'http-pricing/sample.json', oracle: 'code-injection' },
  { name: 'express behind serverless-http, help page joined from lang and topic', handler: 'express-help/handler.cjs', safe: 'express-help/safe.cjs', source: 'apigw-rest', sample: 'express-help/sample.json', oracle: 'path-traversal' },
  { name: 'S3 site publisher, layout section taken from the key', handler: 's3-site-publisher/handler.mjs', safe: 's3-site-publisher/safe.mjs', source: 's3', sample: 's3-site-publisher/sample.json', oracle: 'path-traversal' },
  { name: 'SNS report mailer (callbacks), locale and report resolved into templates', handler: 'sns-report-mailer/handler.cjs', safe: 'sns-report-mailer/safe.cjs', source: 'sns', sample: 'sns-report-mailer/sample.json', oracle: 'path-traversal' },
  { name: 'middy REST preferences, hand-written deep merge', handler: 'middy-preferences/handler.ts', safe: 'middy-preferences/safe.ts', source: 'apigw-rest', sample: 'middy-preferences/sample.json', oracle: 'prototype-pollution' },
  { name: 'SNS feature flags, dotted-path setter behind a message attribute', handler: 'sns-feature-flags/handler.mjs', safe: 'sns-feature-flags/safe.mjs', source: 'sns', sample: 'sns-feature-flags/sample.json', oracle: 'prototype-pollution' },
  { name: 'HTTP API webhook tester, fetch after a scheme check', handler: 'http-webhook-test/handler.mjs', safe: 'http-webhook-test/safe.mjs', source: 'apigw-http', sample: 'http-webhook-test/sample.json', oracle: 'ssrf' },
  { name: 'Powertools SQS image import, http HEAD of a zod url()', handler: 'sqs-image-import/handler.cjs', safe: 'sqs-image-import/safe.cjs', source: 'sqs', sample: 'sqs-image-import/sample.json', oracle: 'ssrf' },
  { name: 'S3 upload index, extension match on customer keys', handler: 's3-upload-index/handler.mjs', safe: 's3-upload-index/safe.mjs', source: 's3', sample: 's3-upload-index/sample.json', oracle: 'crash' },
  { name: 'Powertools-logged SQS delivery slots, toISOString of a bad date', handler: 'sqs-delivery-slots/handler.ts', safe: 'sqs-delivery-slots/safe.ts', source: 'sqs', sample: 'sqs-delivery-slots/sample.json', oracle: 'crash' },
  { name: 'SNS SMS relay (callbacks), JSON.parse inside an fs callback', handler: 'sns-sms-relay/handler.cjs', safe: 'sns-sms-relay/safe.cjs', source: 'sns', sample: 'sns-sms-relay/sample.json', oracle: 'crash', isolated: true },
  { name: 'S3 photo intake, backtracking file-name regex', handler: 's3-photo-intake/handler.cjs', safe: 's3-photo-intake/safe.cjs', source: 's3', sample: 's3-photo-intake/sample.json', oracle: 'timeout', isolated: true },
  { name: 'Powertools-logged SQS order status, client config logged on a failed write', handler: 'sqs-order-status/handler.mjs', safe: 'sqs-order-status/safe.mjs', source: 'sqs', sample: 'sqs-order-status/sample.json', oracle: 'secret-leak' },
  { name: 'express behind serverless-http, recent searches in app.locals', handler: 'express-search/handler.mjs', safe: 'express-search/safe.mjs', source: 'apigw-http', sample: 'express-search/sample.json', oracle: 'state-leak' },
  { name: 'HTTP API support chat, module-level history', handler: 'http-support-chat/handler.ts', safe: 'http-support-chat/safe.ts', source: 'apigw-http', sample: 'http-support-chat/sample.json', oracle: 'state-leak' },
];

/** Absolute path of a zoo file. */
export const at = (path: string): string => fileURLToPath(new URL(`../fixtures/zoo/${path}`, import.meta.url));

/**
 * Ends a run at the first sight of `oracle` (in the baseline or a finding): whether a bug is found within the
 * budget does not depend on what the rest of the budget would have found, and the zoo then spends its time on
 * the fixed twins, which must run the whole budget to show nothing.
 */
export function untilFound(oracle: string): { readonly signal: AbortSignal; readonly listener: CampaignListener } {
  const stop = new AbortController();
  const seen = (shown: string): void => {
    if (shown === oracle) stop.abort();
  };
  return {
    signal: stop.signal,
    listener: {
      onBaseline: (baseline) => baseline.problems.forEach((problem) => seen(problem.oracle)),
      onFinding: (finding) => seen(finding.oracle),
    },
  };
}
