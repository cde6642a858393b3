import type { Finding, Observation } from '../core/index.js';
import type { DocumentedOracle, Oracle, OracleContext } from './types.js';
import { HarnessError, serializeError } from '../core/index.js';
import { codeInjection } from './code-injection.js';
import { commandInjection } from './command-injection.js';
import { crash } from './crash.js';
import { errorDisclosure } from './error-disclosure.js';
import { pathTraversal } from './path-traversal.js';
import { prototypePollution } from './prototype-pollution.js';
import { redact } from './redact.js';
import { secretLeak } from './secret-leak.js';
import { causedByOwnBlock } from './own-block.js';
import { ssrf } from './ssrf.js';
import { stateLeak } from './state-leak.js';
import { timeout } from './timeout.js';

/**
 * Every built-in oracle, in the order they run and report. Cheap outcome checks first, so a report reads
 * "crashed, then why": crash, timeout, secret-leak, then the sink oracles.
 */
export const builtinOracles: readonly DocumentedOracle[] = [crash, timeout, secretLeak, commandInjection, codeInjection, stateLeak, errorDisclosure, pathTraversal, prototypePollution, ssrf];

/** The ids `selectOracles` accepts and `eventfuzz oracles` lists. Stable: they are part of the public contract. */
export const oracleIds: readonly string[] = builtinOracles.map((oracle) => oracle.id);

/**
 * The built-in oracles named by `ids`, in the order given; all of them when `ids` is undefined.
 * @throws HarnessError `EFZ_CONFIG_INVALID` for an unknown id, listing the valid ones.
 */
export function selectOracles(ids?: readonly string[]): Oracle[] {
  if (ids === undefined) return [...builtinOracles];
  const known = new Map(builtinOracles.map((oracle) => [oracle.id, oracle] as const));
  return ids.map((id) => {
    const oracle = known.get(id);
    if (oracle === undefined) {
      throw new HarnessError('EFZ_CONFIG_INVALID', `Unknown oracle "${id}". Valid oracles: ${oracleIds.join(', ')}.`);
    }
    return oracle;
  });
}

/** The oracle id of findings that report a failure of an oracle itself rather than of the handler. */
export const INTERNAL_ORACLE_ID = 'eventfuzz-internal';

/**
 * Runs every oracle on one observation and concatenates their findings, minus those that are only the handler's
 * reaction to a failure eventfuzz's own block produced ({@link causedByOwnBlock}). Never throws.
 *
 * An oracle that throws does not abort the case, hide the other oracles' findings, or vanish silently: it becomes a
 * finding of oracle {@link INTERNAL_ORACLE_ID} (low, `tainted`, signature `<oracle id>:<error name>`). Rethrowing
 * as a `HarnessError` would let one odd observation (a hostile handler's Proxy in its response, say) end a whole
 * campaign; skipping would lose it. As a finding it is deduplicated, stored in the corpus with the event that
 * triggered it and replayable, which is exactly what fixing the oracle needs. Its evidence is masked like any other.
 */
export function judge(observation: Observation, oracles: readonly Oracle[], context: OracleContext): Finding[] {
  const findings: Finding[] = [];
  for (const oracle of oracles) {
    try {
      for (const finding of oracle.check(observation, context)) {
        // Our own block's fake failure, echoed or rethrown by the handler, is never the handler's bug.
        if (!causedByOwnBlock(finding, observation)) findings.push(finding);
      }
    } catch (thrown) {
      findings.push(internalFinding(oracle.id, thrown, context));
    }
  }
  return findings;
}

function internalFinding(oracleId: string, thrown: unknown, context: OracleContext): Finding {
  const error = serializeError(thrown);
  let evidence: string;
  try {
    evidence = redact(`${error.name}: ${error.message.slice(0, 300)}`, context.secrets);
  } catch {
    evidence = error.name; // redaction itself failed: say nothing that could hold a secret
  }
  return {
    oracle: INTERNAL_ORACLE_ID,
    confidence: 'tainted',
    severity: 'low',
    title: `Oracle "${oracleId}" failed on this observation (an eventfuzz bug: please report it)`,
    evidence,
    signature: `${oracleId}:${error.name}`,
  };
}
