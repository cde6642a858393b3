// Module hook of the layer's loader (registered with module.register; runs in Node's hooks thread). When the
// runtime imports the handler's ES module, it gets instead a small module that re-exports the original (loaded
// under a marking query) with the handler export wrapped by the loader's function (see loader.ts).
import type { HandlerHooksData } from './handler-hooks-data.js';
import { LAYER_WRAP_KEY, ORIGINAL_QUERY } from './handler-hooks-data.js';

let handlerUrls = new Set<string>();
let exportPath: readonly string[] = [];

export function initialize(data: HandlerHooksData): void {
  handlerUrls = new Set(data.urls);
  exportPath = data.exportPath;
}

interface LoadResult {
  readonly format?: string | null | undefined;
  readonly source?: unknown;
  readonly shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: unknown) => Promise<LoadResult>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (!handlerUrls.has(url) || result.format !== 'module' || exportPath.length === 0) return result;
  const original = JSON.stringify(`${url}?${ORIGINAL_QUERY}`);
  const [top, ...rest] = exportPath as [string, ...string[]];
  const source = [
    `import * as original from ${original};`,
    `export * from ${original};`,
    `const wrapped = globalThis[Symbol.for(${JSON.stringify(LAYER_WRAP_KEY)})](original[${JSON.stringify(top)}], ${JSON.stringify(rest)});`,
    `export { wrapped as ${JSON.stringify(top)} };`,
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}
