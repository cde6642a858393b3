// Node module-hooks (registered by ../direct-eval.ts with module.register): rewrites the direct evals of each
// ES module, and of CommonJS source a loader before us already produced. Runs in Node's hooks thread.
import { fileURLToPath } from 'node:url';
import { rewriteDirectEval } from './rewrite.mjs';

const decoder = new TextDecoder();

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.startsWith('file:') || result.source == null || (result.format !== 'module' && result.format !== 'commonjs')) return result;
  const text = typeof result.source === 'string' ? result.source : decoder.decode(result.source);
  let file;
  try {
    file = fileURLToPath(url.split('?')[0]);
  } catch {
    return result;
  }
  const rewritten = rewriteDirectEval(text, file);
  return rewritten === text ? result : { ...result, source: rewritten };
}
