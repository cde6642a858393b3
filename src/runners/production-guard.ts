/** Words that name a production stage, alias, host or function when they stand alone as a segment. */
const PRODUCTION_WORDS = new Set(['prod', 'production', 'live']);

/**
 * Why `ref` (a function name, ARN, alias or qualifier, URL) looks like production, or `undefined`. A word counts
 * only as a whole segment: segments are split at anything not a letter or digit, at lower-to-upper case changes
 * (`ordersProd`) and between letters and digits (`prod2`), so `orders-prod`, `arn:…:function:orders:live`,
 * `https://api.example.com/production/` and `prod.example.com` are production, while `product-catalog`,
 * `productivity`, `delivery` and `olive` are not. For a URL only the host and path count: a query value is data.
 * The caller refuses the target unless the user passed `--allow-production`.
 */
export function looksLikeProduction(ref: string): string | undefined {
  for (const [label, text] of parts(ref)) {
    const word = segments(text).find((segment) => PRODUCTION_WORDS.has(segment));
    if (word !== undefined) return `${label} "${text}" contains the segment "${word}", which names production`;
  }
  return undefined;
}

function parts(ref: string): readonly (readonly [string, string])[] {
  if (/^https?:\/\//i.test(ref)) {
    try {
      const url = new URL(ref);
      return [
        ['the host', url.hostname],
        ['the path', decodeURIComponentSafe(url.pathname)],
      ];
    } catch {
      // not a URL after all: judged as a name below
    }
  }
  return [[ref.startsWith('arn:') ? 'the ARN' : 'the name', ref]];
}

function segments(text: string): readonly string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])|([0-9])([A-Za-z])/g, (_, a?: string, b?: string, c?: string, d?: string) => (a !== undefined ? `${a} ${b}` : `${c} ${d}`))
    .split(/[^A-Za-z0-9]+/)
    .map((segment) => segment.toLowerCase())
    .filter((segment) => segment.length > 0);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
