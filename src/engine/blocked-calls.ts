import type { Effect } from '../core/index.js';

/** How many calls carrying a payload eventfuzz refused to run, by kind (commands, file writes, connections). */
export interface BlockedCalls {
  readonly process: number;
  readonly file: number;
  readonly network: number;
}

/** @internal A running tally of blocked calls over a campaign's cases. */
export class BlockedCallCounter {
  #process = 0;
  #file = 0;
  #network = 0;

  /** Adds the blocked calls among one invocation's effects. */
  add(effects: readonly Effect[] | undefined): void {
    for (const effect of effects ?? []) {
      if (effect.kind === 'process' && effect.blocked) this.#process++;
      else if (effect.kind === 'file' && effect.blocked) this.#file++;
      else if (effect.kind === 'network' && effect.blocked) this.#network++;
    }
  }

  get totals(): BlockedCalls {
    return { process: this.#process, file: this.#file, network: this.#network };
  }
}
