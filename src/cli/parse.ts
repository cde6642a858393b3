import { InvalidArgumentError } from 'commander';

/** commander argument parsers: a bad value is a usage error (exit 2) naming the option, never a stack trace. */
export function positiveInt(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${raw}".`);
  return value;
}

/** A number > 0 (a rate, an amount of dollars). */
export function positiveNumber(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${raw}".`);
  return value;
}

export function seedValue(raw: string): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || Math.abs(value) > 0x7fffffff) throw new InvalidArgumentError(`expected an integer between -2147483647 and 2147483647, got "${raw}".`);
  return value | 0;
}

export function seconds(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`expected a number of seconds > 0, got "${raw}".`);
  return value;
}

/** Repeatable `--env K=V`. */
export function envPair(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, got "${raw}".`);
  return { ...previous, [raw.slice(0, eq)]: raw.slice(eq + 1) };
}

/** Repeatable options collected into an array. */
export function collect(raw: string, previous: string[] = []): string[] {
  return [...previous, raw];
}

/** A random seed for runs that did not ask for one; printed so the run can be repeated. */
export function randomSeed(): number {
  return (Math.random() * 0x7fffffff) | 0;
}
