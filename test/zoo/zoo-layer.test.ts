import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from '../../src/api/fuzz.js';
import type { InvokeApiFunction, InvokeApiServer } from '../support/invoke-api-server.js';
import { startInvokeApiServer } from '../support/invoke-api-server.js';
import type { ExtractedLayer } from '../support/layer-dir.js';
import { extractLayer } from '../support/layer-dir.js';
import { isolateAws } from '../integration/remote/lambda-helpers.js';
import type { Exhibit } from './exhibits.js';
import { at, untilFound, zoo } from './exhibits.js';

/**
 * The zoo deployed: each JavaScript exhibit runs as a "deployed" function behind a real Invoke API on 127.0.0.1
 * (a child process per execution environment, loaded as the Node runtime loads handlers), with `eventfuzz layer`'s
 * zip extracted as its /opt and turned on by NODE_OPTIONS, and is fuzzed with `fuzz({ function })`. The layer must
 * find what a local run finds, and nothing on the fixed twins; the same functions without the layer show what a
 * remote run sees from responses and logs alone (timing off) (printed beside: the figure the layer exists to raise).
 * TypeScript exhibits are left out (a function runs compiled JavaScript), and so are the hangs (their deadline
 * would cost seconds per case here; remote timeouts are tested in lambda-timeouts).
 */
const deployed = zoo.filter((exhibit) => !exhibit.handler.endsWith('.ts') && exhibit.isolated !== true);

let server: InvokeApiServer;
let layer: ExtractedLayer;
let restoreAws: () => void;
const nameOf = (index: number, variant: 'layer' | 'safe' | 'bare'): string => `zoo${index}-${variant}-staging`;

beforeAll(async () => {
  restoreAws = isolateAws();
  layer = await extractLayer();
  const functions: Record<string, InvokeApiFunction> = {};
  const withLayer = { NODE_OPTIONS: layer.nodeOptions };
  deployed.forEach((exhibit, index) => {
    functions[nameOf(index, 'layer')] = { file: at(exhibit.handler), environment: withLayer };
    functions[nameOf(index, 'safe')] = { file: at(exhibit.safe), environment: withLayer };
    functions[nameOf(index, 'bare')] = { file: at(exhibit.handler) };
  });
  server = await startInvokeApiServer({ functions });
});
afterAll(async () => {
  await server?.close();
  layer?.remove();
  restoreAws?.();
});

// The caps are raised (they are tested in guard*.test.ts). Up to 300 cases per exhibit through the layer, as a short
// CI run would send (a run that shows the exhibit's bug ends there: see untilFound); 150 on a fixed twin, which
// covers every payload category at its sample's fields several times over (the local zoo runs the twins' full
// budget); 100 without the layer, a figure printed beside and never asserted per exhibit.
// Timing is off: the figure without the layer is what responses and logs show (timing-*.test.ts covers timing).
const run = async (exhibit: Exhibit, functionName: string, runs: number, stop?: ReturnType<typeof untilFound>): Promise<string[]> => {
  const report = await fuzz({ ...stop, function: functionName, endpoint: server.url, source: exhibit.source, sampleFiles: [at(exhibit.sample)], seed: 7, runs, rate: 5_000, concurrency: 4, maxInvocations: 20_000, timing: false });
  return [...report.findings.map((f) => `${f.oracle}: ${f.title}`), ...report.baseline.problems.map((p) => `${p.oracle}: ${p.title}`)];
};
const oraclesOf = (seen: readonly string[]): string[] => seen.map((line) => line.slice(0, line.indexOf(':')));

const found = { layer: [] as string[], bare: [] as string[] };
const falsePositives: string[] = [];

describe('zoo deployed with eventfuzz layer', () => {
  it.each(deployed.map((exhibit, index) => ({ ...exhibit, index })))('finds the $oracle through the layer in: $name', async (exhibit) => {
    const oracles = oraclesOf(await run(exhibit, nameOf(exhibit.index, 'layer'), 300, untilFound(exhibit.oracle)));
    if (oracles.includes(exhibit.oracle)) found.layer.push(exhibit.name);
    expect(oracles).toContain(exhibit.oracle);
    // Without the layer: only what comes back. Not asserted per exhibit (some bugs show in the response anyway).
    if (oraclesOf(await run(exhibit, nameOf(exhibit.index, 'bare'), 100, untilFound(exhibit.oracle))).includes(exhibit.oracle)) found.bare.push(exhibit.name);
  });

  it.each(deployed.map((exhibit, index) => ({ ...exhibit, index })))('reports nothing through the layer on the fixed twin of: $name', async (exhibit) => {
    const seen = await run(exhibit, nameOf(exhibit.index, 'safe'), 150);
    if (seen.length > 0) falsePositives.push(exhibit.name);
    expect(seen).toEqual([]);
  });

  afterAll(() => {
    // The layer's whole point: it must find more than responses and logs alone do.
    expect(found.layer.length).toBeGreaterThan(found.bare.length);
    console.log(`zoo deployed: ${found.layer.length}/${deployed.length} bugs found with the layer, ${found.bare.length}/${deployed.length} without it; ${falsePositives.length}/${deployed.length} false positives on the fixed twins`);
  });
});
