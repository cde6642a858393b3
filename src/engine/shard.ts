import { HarnessError } from '../core/index.js';

/**
 * One of `count` machines sharing a campaign, `index` 1-based as the CLI writes it (`--shard 2/4`). Every shard
 * draws the same cases from the seed (drawing is cheap) and runs only those whose 0-based generation index is
 * `index - 1` modulo `count`, so the shards of a seed run disjoint sets of cases whose union is what one run of
 * that seed runs (with `runs` as the total over all shards).
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

const SHARD_SYNTAX = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/** `"2/4"` → `{ index: 2, count: 4 }`; anything else is a usage error saying what a shard looks like. */
export function parseShard(text: string): Shard {
  const match = SHARD_SYNTAX.exec(text);
  if (match === null) throw new HarnessError('EFZ_USAGE', `--shard must be i/N with whole numbers, 1 ≤ i ≤ N (e.g. --shard 1/4), got "${text}".`);
  return checkShard({ index: Number(match[1]), count: Number(match[2]) }, `--shard ${text.trim()}`);
}

/** Checks a shard given as an object (library callers); `shown` names it in the message. */
export function checkShard(shard: Shard, shown = `shard ${JSON.stringify(shard)}`): Shard {
  const { index, count } = shard;
  if (!Number.isSafeInteger(count) || count < 1) throw new HarnessError('EFZ_USAGE', `${shown}: the number of shards N must be a whole number ≥ 1.`);
  if (!Number.isSafeInteger(index) || index < 1 || index > count) throw new HarnessError('EFZ_USAGE', `${shown}: the shard i must be a whole number from 1 to ${count} (i/N is 1-based).`);
  return { index, count };
}

/** Whether `shard` runs the case generated at 0-based `caseIndex` (no shard: every case). */
export function ownsCase(shard: Shard | undefined, caseIndex: number): boolean {
  return shard === undefined || caseIndex % shard.count === shard.index - 1;
}
