import { Command, Option } from 'commander';
import type fc from 'fast-check';
import type { EventSource } from '../../../generators/index.js';
import { caseSpaceForSamples, caseSpaceForSource, fuzzCaseArbitrary, getEventSource, sourceIds } from '../../../generators/index.js';
import { structuralCases } from '../../../generators/mutators/index.js';
import { detectSource, loadSamples } from '../../../generators/sample/index.js';
import type { Injection } from '../../core/index.js';
import { HarnessError } from '../../core/index.js';
import { loadPayloads } from '../../payloads/index.js';
import { selectCategory } from '../categories.js';
import type { CliIo } from '../io.js';
import { checkSampleSources } from '../messages.js';
import { collect, positiveInt, randomSeed, seedValue } from '../parse.js';
import { sampleValues } from '../sample-stream.js';

/** Events generated and printed per write: output starts at once and memory stays flat for any --count. */
const CHUNK = 256;

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
    .action(async (flags: GenerateFlags) => {
      const files = (flags.sample ?? []).map((file) => ({ file, events: loadSamples(file) }));
      const samples = files.flatMap((f) => f.events);
      const source = resolveSource(flags.source, samples);
      checkSampleSources(flags.source, files);
      const seed = flags.seed ?? randomSeed();
      if (flags.seed === undefined) io.stderr(`eventfuzz: seed ${seed} (pass --seed ${seed} to repeat)\n`);
      // One generator stream for the whole output, so chunking does not change a byte of it (see sampleValues).
      const events = sampleValues(generationArbitrary(source, samples, flags.inject), seed);
      let number = 0;
      for (let left = flags.count; left > 0 && io.stdoutClosed?.() !== true; left -= CHUNK) {
        const lines: string[] = [];
        const notes: string[] = [];
        for (let i = Math.min(left, CHUNK); i > 0; i--) {
          const { event, injection } = events.next().value;
          lines.push(JSON.stringify(event));
          number += 1;
          if (flags.inject !== undefined) notes.push(injectionNote(number, injection));
        }
        // stdout stays pure NDJSON for pipes; what each event carries goes to stderr, line for line.
        if (notes.length > 0) io.stderr(notes.join(''));
        io.stdout(`${lines.join('\n')}\n`);
        // Give a closed pipe (`generate | head`) the chance to report EPIPE before generating more.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    });
}

/** `--source` wins; otherwise a sample's own shape says which source it is. */
export function resolveSource(sourceId: string | undefined, samples: readonly unknown[]): EventSource<unknown> | undefined {
  if (sourceId !== undefined) return getEventSource(sourceId);
  if (samples.length === 0) throw new HarnessError('EFZ_USAGE', `Missing --source. Choose one of: ${sourceIds.join(', ')} (or give --sample with a real event).`);
  const detected = detectSource(samples[0]);
  return detected === undefined ? undefined : getEventSource(detected);
}

/** What one generated event is: the event, and for `--inject` the payload it carries and where. */
interface Generated {
  readonly event: unknown;
  readonly injection: Injection | null;
}

function generationArbitrary(source: EventSource<unknown> | undefined, samples: readonly unknown[], inject: string | true | undefined): fc.Arbitrary<Generated> {
  const space = samples.length > 0 ? caseSpaceForSamples(samples, source) : caseSpaceForSource(source!);
  if (inject === undefined) return (samples.length > 0 ? structuralCases(space).map((c) => c.event) : space.base).map((event) => ({ event, injection: null }));
  const payloads = selectCategory(loadPayloads(), inject === true ? undefined : inject);
  return fuzzCaseArbitrary({ space, payloads }).map((c) => ({ event: c.event, injection: c.injection }));
}

/** `eventfuzz: event 3: Records[0].body<json>.id <- ci-semicolon (command-injection, append)`, numbered from 1. */
export function injectionNote(number: number, injection: Injection | null): string {
  if (injection === null) return `eventfuzz: event ${number}: no payload (a structural mutation only)\n`;
  return `eventfuzz: event ${number}: ${injection.target} <- ${injection.payloadId} (${injection.family}, ${injection.placement})\n`;
}
