import type { AddressInfo, Server } from 'node:net';
import type { Runner } from '../../../src/runners/types.js';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIsolatedRunner } from '../../../src/runners/worker/host.js';
import { runnerOptions } from './helpers.js';

// The runner hands each invocation's event to the probes, which refuse the destinations its payload URLs name:
// proven end to end on a loopback listener that counts the connections reaching it.
const token = 'efzrunnerguard1';
let server: Server;
let port = 0;
let arrivals = 0;
let runner: Runner;

beforeAll(async () => {
  server = createServer((socket) => {
    arrivals++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  runner = createIsolatedRunner({ workers: 1, ...runnerOptions('connects-to-payload-url.mjs', { timeoutMs: 2_000 }) });
  await runner.start();
});
afterAll(async () => {
  await runner.close();
  await new Promise((resolve) => server.close(resolve));
});

/** The listener learns of a connection after the handler does: give it a moment before counting. */
async function arrivalsSettled(): Promise<number> {
  let last = -1;
  while (last !== arrivals) {
    last = arrivals;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return arrivals;
}

const invoke = (url: string) => runner.invoke({ caseId: 'c', event: { body: JSON.stringify({ url }) } });

describe('isolated runner: payload-named destinations', () => {
  it('refuses a raw socket to the host and port of the payload URL in the event, and records it', async () => {
    const before = await arrivalsSettled();
    const observation = await invoke(`http://127.0.0.1:${port}/${token}`);
    expect(observation.outcome).toEqual({ kind: 'returned', value: { connected: false, code: 'ECONNREFUSED' } });
    expect(observation.effects).toContainEqual(expect.objectContaining({ kind: 'network', api: 'net.connect', port, blocked: true }));
    expect(await arrivalsSettled()).toBe(before);
  });

  it('lets the same destination through when the event carries no payload token', async () => {
    const before = await arrivalsSettled();
    const observation = await invoke(`http://127.0.0.1:${port}/health`);
    expect(observation.outcome).toEqual({ kind: 'returned', value: { connected: true } });
    expect(await arrivalsSettled()).toBe(before + 1);
  });
});
