// Module loader hooks, registered once per worker by entry.ts (plain JavaScript: they run on Node's loader
// thread, before any TypeScript loader could apply). A module imported as `file…?efz-instance=N` passes the
// same query on to every file it imports, so generation N gets a fresh instance of the handler's whole ES
// module graph (its dependencies' state included), as a new Lambda container would. It is what tsx's
// namespaced import does, without registering a new loader chain per instance (which costs ~8 ms, growing).
// CommonJS is cached by file name whatever the URL says: fresh-import.ts empties that cache instead.
const INSTANCE = /[?&]efz-instance=(\d+)/;

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const parent = context.parentURL === undefined ? null : INSTANCE.exec(context.parentURL);
  if (parent === null || !result.url.startsWith('file:') || INSTANCE.test(result.url)) return result;
  return { ...result, url: `${result.url}${result.url.includes('?') ? '&' : '?'}efz-instance=${parent[1]}` };
}
