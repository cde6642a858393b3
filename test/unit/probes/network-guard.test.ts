import type { Effect } from '../../../src/core/index.js';
import { describe, expect, it } from 'vitest';
import { createNetworkGuard } from '../../../src/probes/network-guard.js';

const token = 'efzguardunit001';

function guard(allowExec = false) {
  const effects: Effect[] = [];
  const g = createNetworkGuard({ record: (e) => effects.push(e), callSite: () => 'src/handler.ts:1:1', allowExec });
  return { g, effects };
}

describe('network guard', () => {
  it('records an attempt once across layers: a lower layer under a claim records nothing, but still refuses', () => {
    const { g, effects } = guard();
    const target = { host: `${token}.canary.invalid`, port: 80 };
    const refusedBelow = g.passDown(target, () => g.attempt('net.Socket.connect', target, null, true));
    expect(refusedBelow).toMatchObject({ code: 'ENOTFOUND' });
    expect(effects).toEqual([]);
    expect(g.attempt('http.get', target, `http://${token}.canary.invalid/`)).toBeDefined();
    expect(effects).toHaveLength(1);
  });

  it('drops claims left over from the previous invocation when the next begins', () => {
    const { g, effects } = guard();
    const target = { host: '127.0.0.1', port: 8080 };
    g.claim(target); // e.g. a fetch that never settled
    g.begin({});
    expect(g.attempt('net.connect', target, null, true)).toBeUndefined();
    expect(effects).toEqual([expect.objectContaining({ api: 'net.connect', blocked: false })]);
  });

  it('refuses the host and port its event names, for this invocation only, unless allowExec', () => {
    const { g, effects } = guard();
    g.begin({ body: `{"url":"http://127.0.0.1:8080/${token}"}` });
    expect(g.attempt('net.connect', { host: '127.0.0.1', port: 8080 }, null)).toMatchObject({ code: 'ECONNREFUSED' });
    expect(g.attempt('net.connect', { host: '127.0.0.1', port: 8081 }, null)).toBeUndefined();
    g.begin({});
    expect(g.attempt('net.connect', { host: '127.0.0.1', port: 8080 }, null)).toBeUndefined();
    expect(effects.map((e) => (e.kind === 'network' ? e.blocked : null))).toEqual([true, false, false]);
    const lifted = guard(true);
    lifted.g.begin({ body: `http://127.0.0.1:8080/${token}` });
    expect(lifted.g.attempt('net.connect', { host: '127.0.0.1', port: 8080 }, null)).toBeUndefined();
  });
});
