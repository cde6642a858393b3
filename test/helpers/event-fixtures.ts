import { readdirSync, readFileSync } from 'node:fs';

const root = new URL('../fixtures/events/', import.meta.url);

/** A sample event from `test/fixtures/events/<source>/<name>.json`, freshly parsed (tests may not share objects). */
export function eventFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`${name}.json`, root), 'utf8')) as unknown;
}

/** Every sample event fixture as `<source>/<name>`, sorted; `other/*` are sources eventfuzz does not model. */
export function eventFixtureNames(): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replaceAll('\\', '/').replace(/\.json$/, ''))
    .sort();
}

/** Freezes `value` and everything below it, so any write to it throws (ESM code runs in strict mode). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Example 07's real REST event with `body` replaced by the JSON of `body`: a sample for handlers of JSON APIs. */
export function restSampleWithBody(body: unknown): unknown {
  const event = JSON.parse(readFileSync(new URL('../../examples/07-apigw-path-traversal/event.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  return { ...event, body: JSON.stringify(body) };
}
