export type { Payload, SinkContext } from './types.js';
export { renderPayload } from './types.js';
export type { PayloadEntry, PayloadFile } from './schema.js';
export { MAX_EXPANDED_LENGTH, PAYLOAD_ID_PATTERN, PayloadFileSchema, SINK_CONTEXTS, payloadFileJsonSchema } from './schema.js';
export { payloadsDir } from './payloads-dir.js';
export type { LoadPayloadsOptions, SelectPayloadsOptions } from './load.js';
export { loadPayloads, payloadFamilies, selectPayloads } from './load.js';
export { loadTimingPayloads, MAX_TIMING_SECONDS, renderTimingPayload, SECONDS_PLACEHOLDER, timingPayloadsDir } from './timing.js';
