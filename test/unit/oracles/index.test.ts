import type { Oracle } from '../../../src/oracles/types.js';
import { describe, expect, it } from 'vitest';
import { isHarnessError } from '../../../src/core/index.js';
import { INTERNAL_ORACLE_ID, builtinOracles, judge, oracleIds, selectOracles } from '../../../src/oracles/index.js';
import { defineOracle } from '../../../src/oracles/types.js';
import { observation, oracleContext, returned, threw } from '../../helpers/observation.js';

const SECRET = 'efzCanarySecretKey/0123456789+abcdefghijk';
const ctx = oracleContext({ secrets: [{ name: 'AWS_SECRET_ACCESS_KEY', value: SECRET, kind: 'canary-credential' }] });

describe('oracle registry', () => {
  it('lists the built-in oracles in order, with unique stable ids', () => {
    expect(oracleIds.slice(0, 4)).toEqual(['crash', 'timeout', 'secret-leak', 'command-injection']);
    expect(new Set(oracleIds).size).toBe(oracleIds.length);
    // Every id is one of the stable ids of the public contract (DESIGN.md).
    const contract = ['crash', 'timeout', 'secret-leak', 'command-injection', 'code-injection', 'path-traversal', 'prototype-pollution', 'ssrf', 'state-leak', 'error-disclosure'];
    for (const id of oracleIds) expect(contract).toContain(id);
    for (const oracle of builtinOracles) expect(oracle.description.length).toBeGreaterThan(0);
  });

  it('selects all oracles by default and the named ones in the given order', () => {
    expect(selectOracles().map((o) => o.id)).toEqual(oracleIds);
    expect(selectOracles(['secret-leak', 'crash']).map((o) => o.id)).toEqual(['secret-leak', 'crash']);
  });

  it('rejects an unknown id with EFZ_CONFIG_INVALID, listing the valid ids', () => {
    let caught: unknown;
    try {
      selectOracles(['crash', 'sqli']);
    } catch (error) {
      caught = error;
    }
    expect(isHarnessError(caught) && caught.code).toBe('EFZ_CONFIG_INVALID');
    expect((caught as Error).message).toContain('"sqli"');
    for (const id of oracleIds) expect((caught as Error).message).toContain(id);
  });
});

describe('judge', () => {
  const exploding: Oracle = defineOracle({
    id: 'exploding',
    description: 'always throws',
    check: () => {
      throw new Error(`cannot parse ${SECRET}`);
    },
  });

  it('collects the findings of every oracle', () => {
    const obs = observation({ outcome: threw(), logs: [`env ${SECRET}`] });
    const findings = judge(obs, selectOracles(['crash', 'timeout', 'secret-leak']), ctx);
    expect(findings.map((f) => f.oracle)).toEqual(['crash', 'secret-leak']);
  });

  it('finds nothing in a clean observation', () => {
    expect(judge(observation({ outcome: returned({ statusCode: 200, body: 'ok' }) }), builtinOracles, ctx)).toEqual([]);
  });

  it('never throws: a failing oracle becomes a masked internal finding and the others still run', () => {
    const obs = observation({ outcome: threw() });
    const findings = judge(obs, [exploding, ...selectOracles(['crash'])], ctx);
    expect(findings.map((f) => f.oracle)).toEqual([INTERNAL_ORACLE_ID, 'crash']);
    expect(findings[0]).toMatchObject({ severity: 'low', signature: 'exploding:Error' });
    expect(findings[0]?.title).toContain('exploding');
    expect(Object.values(findings[0] ?? {}).join('\n')).not.toContain(SECRET);
  });

  it('survives an oracle that throws a non-Error value', () => {
    const hostile = defineOracle({ id: 'hostile', description: 'throws null', check: () => { throw null; } });
    expect(judge(observation(), [hostile], ctx)).toEqual([expect.objectContaining({ oracle: INTERNAL_ORACLE_ID, signature: 'hostile:null' })]);
  });
});
