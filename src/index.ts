/**
 * eventfuzz's public API: everything `import … from 'eventfuzz'` exposes. Nothing else is public.
 */
export { fuzz } from './api/fuzz.js';
export type { FuzzOptions, Isolation } from './api/fuzz.js';
export type { TimingOptions } from './api/remote-timing.js';
export { replay } from './api/replay.js';
export type { FindingReplayOutcome, ReplayOptions, ReplayOutcome, SeedReplayOutcome } from './api/replay.js';
export type { SeedEvent } from './corpus/seeds.js';
export { mergeCorpora } from './api/merge.js';
export type { MergeSummary } from './api/merge.js';
export type { CorpusEntry, CorpusTarget } from './corpus/entry.js';
export { buildLayer, writeLayer, LAYER_NODE_OPTIONS } from './api/layer.js';
export type { BuiltLayer } from './api/layer.js';
export type { FuzzReport, ReportFinding } from './api/report.js';
export { HarnessError, isHarnessError } from './core/index.js';
export type { Finding, FuzzCase, Injection, Observation, Outcome, Effect, Severity, Confidence } from './core/index.js';
export type { Oracle, OracleContext } from './oracles/types.js';
export type { WatchedSecret } from './core/index.js';
export { defineOracle } from './oracles/types.js';
export type { CampaignListener, CampaignProgress } from './engine/types.js';
// The generators' arbitraries, for users' own fast-check properties (also at 'eventfuzz/generators').
export { apigwRestEvent, apigwHttpEvent, s3Event, sqsEvent, snsEvent, eventSources, fuzzCaseArbitrary } from '../generators/index.js';
// The config file (`eventfuzz.config.ts` / `.mjs`): a typed identity for its default export.
export { defineConfig } from './config/define-config.js';
export type { EventfuzzConfig, TargetConfig, TargetOptions } from './config/define-config.js';
