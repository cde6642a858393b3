/**
 * Built-ins captured when this module first loads, before any handler code runs. The handler under test is
 * hostile: it may patch `JSON.stringify`, `Date.now` or `String.prototype.includes`, and the harness must keep
 * working. Import this module first from every runner entry.
 */
const apply = Reflect.apply;
const stringIncludes = String.prototype.includes;
const stringIndexOf = String.prototype.indexOf;

export const safeDateNow: () => number = Date.now;
export const safePerformanceNow: () => number = performance.now.bind(performance);
export const safeSetTimeout = globalThis.setTimeout;
export const safeClearTimeout = globalThis.clearTimeout;
export const safeStringify = JSON.stringify;
export const safeParse = JSON.parse;
export const safeObjectKeys = Object.keys;
export const safeArrayIsArray = Array.isArray;

/** Appends by index: the handler may have replaced `Array.prototype.push` (a no-op push hung every invocation). */
export function safePush<T>(array: T[], item: T): void {
  array[array.length] = item;
}

export function safeIncludes(haystack: string, needle: string): boolean {
  return apply(stringIncludes, haystack, [needle]) as boolean;
}

export function safeIndexOf(haystack: string, needle: string, from = 0): number {
  return apply(stringIndexOf, haystack, [needle, from]) as number;
}
