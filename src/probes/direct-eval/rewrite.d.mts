/** @internal The `Symbol.for` key of the global object whose `v` setter receives each direct eval's argument. */
export declare const DIRECT_EVAL_KEY: string;
/** @internal Rewrites every direct `eval(x)` so its argument passes the probe first; see rewrite.mjs. */
export declare function rewriteDirectEval(source: string, filename: string): string;
