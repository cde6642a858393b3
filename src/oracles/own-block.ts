/**
 * The one rule that keeps eventfuzz's own interventions out of the handler's findings: when a probe blocks a call
 * that carries a payload (a command, a file write, a connection), the handler sees a failure we made up. Its
 * reaction to that failure (an exception that escapes, the error message echoed in a 500) is not its bug, so a
 * `crash`, `timeout` or `error-disclosure` finding whose evidence quotes the error one of this case's blocks produced
 * is dropped. The test is the block's error identity (program + ENOENT, the shell's "not found" line, the refused
 * path or address), so an unrelated crash in the same invocation is still reported. After a block that reported a
 * made-up *success* there is no error to recognise, so the consequence findings of that invocation are all dropped.
 */
import type { Effect, Finding, Observation } from '../core/index.js';

/** Oracles whose findings can be a mere consequence of a failure a block produced. */
const CONSEQUENCE_ORACLES: ReadonlySet<string> = new Set(['crash', 'timeout', 'error-disclosure']);
const FS_FAILURES = ['EACCES: permission denied', 'ENOENT: no such file or directory'];

/** Each entry: strings that together identify the failure one blocked call produced. */
type Mark = readonly string[];

/** @internal The error identities this observation's blocked calls handed the handler. */
export function blockMarks(effects: readonly Effect[]): Mark[] {
  const marks: Mark[] = [];
  for (const effect of effects) {
    if (effect.kind === 'process' && effect.blocked) {
      marks.push([`${effect.file} ENOENT`]);
      // The exact shell error the probe handed over, and node's wrapping of it (`Command failed: <script>`).
      if (effect.blockedFailure !== undefined) marks.push([effect.blockedFailure]);
      if (effect.script !== null) marks.push([`Command failed: ${effect.script.slice(0, 80)}`]);
    } else if (effect.kind === 'file' && effect.blocked) {
      for (const failure of FS_FAILURES) marks.push([failure, `'${effect.path}'`]);
    } else if (effect.kind === 'network' && effect.blocked) {
      marks.push([`ECONNREFUSED ${effect.host}:${effect.port ?? 0}`], [`ENOTFOUND ${effect.host}`]);
    }
  }
  return marks;
}

/**
 * @internal
 * True when `finding` is only the handler's reaction to a failure one of this observation's blocks produced: a
 * crash, timeout or error disclosure whose evidence (or the thrown error's message) quotes that failure.
 */
export function causedByOwnBlock(finding: Finding, observation: Observation): boolean {
  if (!CONSEQUENCE_ORACLES.has(finding.oracle)) return false;
  // A made-up success carries no error to recognise: its empty output may be what the handler choked on
  // (`JSON.parse('')`), so nothing that followed it in this invocation can be told apart from its consequence.
  if ((observation.effects ?? []).some((e) => e.kind === 'process' && e.emulatedSuccess === true)) return true;
  const marks = blockMarks(observation.effects ?? []);
  if (marks.length === 0) return false;
  const texts = [finding.evidence];
  const outcome = observation.outcome;
  if (outcome.kind === 'threw') texts.push(outcome.error.message);
  return marks.some((mark) => texts.some((text) => mark.every((part) => text.includes(part))));
}
