import { afterEach, describe, expect, it } from 'vitest';
import { fixtureServers } from '../../support/apigw-server.js';
import { runCli } from '../../e2e/helpers.js';

// The CLI side of the timing checks: on by default for a remote run, announced with what they may spend before
// the first request, and `--no-timing` sends none of them.
const { serve, closeAll } = fixtureServers(new URL('../../fixtures/remote/timing/', import.meta.url));
afterEach(async () => {
  await closeAll();
});

const argv = (url: string, ...extra: string[]) => ['fuzz', '--url', url, '--source', 'apigw-http', '--runs', '10', '--seed', '4', '--rate', '1000', '--category', 'command-injection', ...extra];

describe('fuzz --url: timing checks on the command line', () => {
  it('announces the reserve and runs the checks; --no-timing sends no timing payload', async () => {
    const server = await serve('reflects-name.ts');
    const on = await runCli(argv(server.url, '--max-invocations', '200'));
    expect(on.stderr).toMatch(/^eventfuzz: timing checks: up to 25 of the 200 invocations are kept for sleep payloads \(doses 0\.5 s, 1 s, 2 s\).*--no-timing gives them to fuzzing$/m);
    expect(on.stderr).toMatch(/^eventfuzz: timing checks: \d+ field\(s\) checked with \d+ invocations, 0 suggest a blind injection/m);
    expect(server.events.some((event) => JSON.stringify(event).includes(';: efz'))).toBe(true);
    const quiet = await serve('reflects-name.ts');
    const off = await runCli(argv(quiet.url, '--no-timing'));
    expect(off.stderr).not.toMatch(/timing checks/);
    expect(quiet.events.some((event) => JSON.stringify(event).includes(';: efz'))).toBe(false);
  }, 60_000);

  it('a local handler never gets timing checks (its probes see the shell itself), whatever the flags', async () => {
    const local = await runCli(['fuzz', 'test/fixtures/remote/timing/reflects-name.ts', '--source', 'apigw-http', '--runs', '10', '--seed', '4', '--category', 'command-injection', '--in-process']);
    expect(local.stderr).not.toMatch(/timing checks/);
    expect([0, 1]).toContain(local.code);
  });

  it('--help names --no-timing', async () => {
    const help = await runCli(['fuzz', '--help']);
    expect(help.stdout).toMatch(/--no-timing\s+remote: skip the sleep-based timing checks/);
  });
});
