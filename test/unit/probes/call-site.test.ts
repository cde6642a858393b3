import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FROM_EVALUATED_CODE } from '../../../src/core/index.js';
import { createCallSiteFinder } from '../../../src/probes/call-site.js';

const root = dirname(fileURLToPath(import.meta.url));
const find = createCallSiteFinder(root);

describe('call sites', () => {
  it('names the first frame outside node and eventfuzz, relative to the task root', () => {
    expect(find()).toMatch(/^call-site\.test\.ts:\d+:\d+$/);
  });

  it('marks a call made by code that Function or eval produced, at the frame that ran that code', () => {
    const made = new Function('find', 'return find()') as (f: typeof find) => string;
    expect(made(find)).toMatch(new RegExp(`^call-site\\.test\\.ts:\\d+:\\d+${FROM_EVALUATED_CODE.replace(/[()]/g, '\\$&')}$`));
    // eslint-disable-next-line no-eval -- indirect eval, the other way code is produced
    const evaluated = (0, eval)('(f) => f()') as (f: typeof find) => string;
    expect(evaluated(find).endsWith(FROM_EVALUATED_CODE)).toBe(true);
  });
});
