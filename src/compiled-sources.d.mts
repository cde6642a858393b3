/** Types of compiled-sources.mjs (plain JavaScript: it is what lets the rest run without a TypeScript loader). */
export declare function compiledSourceUrl(sourceUrl: URL): URL | undefined;
export declare function compiledTwin(packageRoot: string, compiledRoot: string, sourceUrl: URL): URL | undefined;
export declare function compileSources(packageRoot: string): string;
