import { describe, expect, it } from 'vitest';
import { payloadFileJsonSchema } from '../../../src/payloads/index.js';

describe('payloads/payload.schema.json', () => {
  // Regenerate after changing src/payloads/schema.ts: npx vitest run --config test/vitest.config.ts test/unit/payloads -u
  it('is the JSON Schema generated from the zod schema', async () => {
    await expect(`${JSON.stringify(payloadFileJsonSchema(), null, 2)}\n`).toMatchFileSnapshot('../../../payloads/payload.schema.json');
  });
});
