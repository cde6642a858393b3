import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FuzzOptions } from '../../src/api/fuzz.js';
import { fuzz } from '../../src/api/fuzz.js';
import { describeFindings } from '../../src/vitest/index.js';

/*
 * Issue 7, "Done means": each example's findings, counted (baseline failures included: they fail the run and are
 * stored like findings), equal its documented bugs: no duplicates per field, per secret or per proof. Each runs
 * with the options of its own test and "Try:" line (300 runs, seed 1, the category it names), in-process.
 */
const example = (path: string): URL => new URL(`../../examples/${path}`, import.meta.url);
const sample = (path: string): unknown => JSON.parse(readFileSync(example(path), 'utf8'));

type Case = readonly [name: string, options: Omit<FuzzOptions, 'seed' | 'runs'>, bugs: Readonly<Record<string, number>>];
const EXAMPLES: readonly Case[] = [
  ['01 SQS command injection', { handler: example('01-sqs-command-injection/handler.ts'), source: 'sqs' }, { 'command-injection': 1 }],
  ['02 S3 command injection', { handler: example('02-s3-command-injection/handler.mjs'), source: 's3' }, { 'command-injection': 1 }],
  ['03 REST secret leak (one dump, three credentials and DB_PASSWORD)', { handler: example('03-apigw-secret-leak/handler.mjs'), source: 'apigw-rest', env: { DB_PASSWORD: 'correct-horse-battery-staple' }, secrets: ['DB_PASSWORD'] }, { 'secret-leak': 1 }],
  // Three bugs: JSON.parse of a non-JSON message, a wrong shape in `handler` (`.items.map` on a message without
  // items, `.city.toUpperCase()` on a city that is not a string) and `item.name.trim()` in the `map` callback on a
  // name that is not a string. The last needs the order's JSON leaves, which the sample gives.
  ['04 SNS crash', { handler: example('04-sns-crash/handler.cjs'), samples: [sample('04-sns-crash/event.json')] }, { crash: 3 }],
  ['07 REST path traversal', { handler: example('07-apigw-path-traversal/handler.mjs'), samples: [sample('07-apigw-path-traversal/event.json')], categories: ['path-traversal'] }, { 'path-traversal': 1 }],
  ['07 SQS path traversal', { handler: example('07-apigw-path-traversal/sqs-handler.mjs'), samples: [sample('07-apigw-path-traversal/sqs-event.json')], categories: ['path-traversal'] }, { 'path-traversal': 1 }],
  ['08 SQS SSRF', { handler: example('08-sqs-ssrf/handler.ts'), samples: [sample('08-sqs-ssrf/sqs-event.json')], categories: ['ssrf'] }, { ssrf: 1 }],
  ['09 REST code injection', { handler: example('09-apigw-code-injection/handler.mjs'), samples: [sample('09-apigw-code-injection/event.json')], categories: ['code-injection'] }, { 'code-injection': 1 }],
  // Every category too: the vm-escape payload makes Function again from the evaluated code, still one bug.
  ['09 REST code injection, every category', { handler: example('09-apigw-code-injection/handler.mjs'), samples: [sample('09-apigw-code-injection/event.json')] }, { 'code-injection': 1 }],
  ['10 SQS prototype pollution', { handler: example('10-sqs-prototype-pollution/handler.mjs'), samples: [sample('10-sqs-prototype-pollution/event.json')], categories: ['prototype-pollution'] }, { 'prototype-pollution': 1 }],
  ['11 HTTP state leak', { handler: example('11-apigw-http-state-leak/handler.mjs'), source: 'apigw-http' }, { 'state-leak': 1 }],
  // One handler, two disclosures (a stack trace, an internal error message); the plain GET already shows both.
  ['12 REST error disclosure', { handler: example('12-apigw-error-disclosure/handler.mjs'), source: 'apigw-rest' }, { 'error-disclosure': 2 }],
];

function count(report: Awaited<ReturnType<typeof fuzz>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of [...report.baseline.problems, ...report.findings]) counts[finding.oracle] = (counts[finding.oracle] ?? 0) + 1;
  return counts;
}

describe("the examples' findings, counted, equal their bugs", () => {
  it.each(EXAMPLES)('%s', async (_name, options, bugs) => {
    const report = await fuzz({ seed: 1, runs: 300, ...options });
    expect(count(report), describeFindings(report).join('\n')).toEqual(bugs);
    // fuzzTest fails exactly when describeFindings is not empty.
    expect(describeFindings(report).length).toBeGreaterThan(0);
  });
});
