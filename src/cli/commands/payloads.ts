import { Command, Option } from 'commander';
import { loadPayloads } from '../../payloads/index.js';
import { selectCategory } from '../categories.js';
import type { CliIo } from '../io.js';

/** `eventfuzz payloads`: what the corpus holds, by category, with what each payload proves. */
export function makePayloadsCommand(io: CliIo): Command {
  return new Command('payloads')
    .description('List the payload corpus')
    .addOption(new Option('-c, --category <category>', 'only this category (family)'))
    .addOption(new Option('--json', 'print NDJSON instead of a table, every payload in full'))
    .action((flags: { category?: string; json?: boolean }) => {
      const payloads = selectCategory(loadPayloads(), flags.category);
      if (flags.json === true) {
        io.stdout(payloads.map((p) => JSON.stringify(p)).join('\n') + '\n');
        return;
      }
      let family = '';
      for (const payload of payloads) {
        if (payload.family !== family) {
          family = payload.family;
          io.stdout(`\n${family}\n`);
        }
        io.stdout(`  ${payload.id.padEnd(28)} ${payload.contexts.join(',').padEnd(14)} ${shorten(JSON.stringify(payload.template))}\n`);
      }
      io.stdout(`\n${payloads.length} payloads. {{token}} is replaced by a fresh canary per case; --json prints each in full.\n`);
    });
}

/** Longest template shown in the table: the pump payloads are 65k-262k characters, which no terminal wants. */
const SHOWN_CHARS = 80;

/** The start of a long template and how much was left out, so a reader knows it is not the whole payload. */
export function shorten(text: string): string {
  if (text.length <= SHOWN_CHARS) return text;
  const shown = text.slice(0, SHOWN_CHARS).replace(/[\uD800-\uDBFF]$/, ''); // never half a surrogate pair
  return `${shown}… (+${(text.length - shown.length).toLocaleString('en-US')} chars)`;
}
