import { Command, Option } from 'commander';
import fc from 'fast-check';
import type { EventSource } from '../../../generators/index.js';
import { caseSpaceForSamples, caseSpaceForSource, fuzzCaseArbitrary, getEventSource, sourceIds } from '../../../generators/index.js';
import { structuralCases } from '../../../generators/mutators/index.js';
import { detectSource, loadSamples } from '../../../generators/sample/index.js';
import { HarnessError } from '../../core/index.js';
import { loadPayloads, selectPayloads } from '../../payloads/index.js';
import type { CliIo } from '../io.js';
import { collect, positiveInt, randomSeed, seedValue } from '../parse.js';

interface GenerateFlags {
  readonly source?: string;
  readonly count: number;
  readonly seed?: number;
  readonly inject?: string | true;
  readonly sample?: string[];
}

/** `eventfuzz generate`: valid or payload-carrying events as NDJSON, one per line, reproducible by seed. */
export function makeGenerateCommand(io: CliIo): Command {
  return new Command('generate')
    .description('Print generated AWS events as NDJSON (one event per line)')
    .addOption(new Option('-s, --source <id>', `event source: ${sourceIds.join(', ')}`))
    .addOption(new Option('-n, --count <n>', 'how many events').argParser(positiveInt).default(10))
    .addOption(new Option('--seed <n>', 'seed for reproducible output (random when omitted; printed on stderr)').argParser(seedValue))
    .addOption(new Option('--inject [category]', 'seed an attacker-controlled field with a payload (optionally only from this category)'))
    .addOption(new Option('--sample <file>', 'a real event (or array of events) to build on; repeatable').argParser(collect))
    .action((flags: GenerateFlags) => {
      const samples = (flags.sample ?? []).flatMap((file) => loadSamples(file));
      const source = resolveSource(flags.source, samples);
      const seed = flags.seed ?? randomSeed();
      if (flags.seed === undefined) io.stderr(`eventfuzz: seed ${seed} (pass --seed ${seed} to repeat)\n`);
      const events = fc.sample(generationArbitrary(source, samples, flags.inject), { seed, numRuns: flags.count });
      const lines: string[] = [];
      for (const event of events) {
        lines.push(JSON.stringify(event));
        if (lines.length === 256) io.stdout(`${lines.splice(0).join('\n')}\n`);
      }
      if (lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
    });
}

/** `--source` wins; otherwise a sample's own shape says which source it is. */
export function resolveSource(sourceId: string | undefined, samples: readonly unknown[]): EventSource<unknown> | undefined {
  if (sourceId !== undefined) return getEventSource(sourceId);
  if (samples.length === 0) throw new HarnessError('EFZ_USAGE', `Missing --source. Choose one of: ${sourceIds.join(', ')} (or give --sample with a real event).`);
  const detected = detectSource(samples[0]);
  return detected === undefined ? undefined : getEventSource(detected);
}

function generationArbitrary(source: EventSource<unknown> | undefined, samples: readonly unknown[], inject: string | true | undefined): fc.Arbitrary<unknown> {
  const space = samples.length > 0 ? caseSpaceForSamples(samples, source) : caseSpaceForSource(source!);
  if (inject === undefined) return samples.length > 0 ? structuralCases(space).map((c) => c.event) : space.base;
  const payloads = selectPayloads(loadPayloads(), inject === true ? {} : { family: inject });
  return fuzzCaseArbitrary({ space, payloads }).map((c) => c.event);
}
