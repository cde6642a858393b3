import type { CanaryEffect, Effect, Finding, Observation, ProcessEffect } from '../core/index.js';
import { CANARY_PROGRAM_NAME, isUnprobed } from '../core/index.js';
import type { OracleContext } from './types.js';
import { findEvaluatedMarker } from './marker-evidence.js';
import { redact } from './redact.js';
import { shellCommandPosition } from './shell-command-position.js';
import { shellSyntax } from './shell-syntax.js';
import { defineOracle } from './types.js';

const MAX_SCRIPT_IN_EVIDENCE = 2_000;
/** The payload family whose shell-arithmetic marker proves a remote command injection. */
const COMMAND_FAMILY = 'command-injection';
/**
 * Which confirmed case to keep (Finding.proofRank): one that started the canary program, which a replay with
 * `--allow-exec` sees run, over one whose injected command proves the bug only on paper (a log payload's
 * `EFZ-FORGED`, a command `sh` would not find); best, one in which the program really ran.
 */
const PROOF_STARTS_CANARY = 1;
const PROOF_RAN = 2;

/**
 * Command injection (CWE-78): this case's canary reached a shell script started through `child_process`.
 * - `confirmed` (critical): the canary sits in command position (the payload started a command with `;`, `|`,
 *   `$(…)`, a backtick, … outside quotes) of a script that parses as POSIX `sh` (see {@link shellSyntax}), or the
 *   canary program ran with this case's token;
 * - `tainted` (high): the canary reaches the script unquoted, but not in command position (word splitting and
 *   globbing apply; another payload may break out). A token that stays inside the handler's quotes is no finding.
 *
 * - `confirmed` (critical) too: the program itself is payload-derived (`spawnSync(event.cmd)`,
 *   `execFile(body.tool, args)`, `spawn(x, { shell: false })`): the attacker names what runs, shell or not.
 *
 * A token passed as a plain argument to a fixed program without a shell is not command injection (argument
 * injection is another bug class), and a payload echoed in the response or logs is never execution: locally only
 * probe effects count. Remotely (no effects) the shell-computed marker `<canary><a*b>` in the response or logs is
 * the proof, never the payload's own text. One finding per call site.
 */
export const commandInjection = defineOracle({
  id: 'command-injection',
  description: "This case's canary reached a shell script run by child_process, in command position or proven by the canary program.",
  docs: {
    cwe: 'CWE-78',
    securitySeverity: '9.8',
    help: "Text from the event reached a shell command run through `child_process`, where it can start commands of its own. Quoting the value does not help: a quote in the input ends the quote.",
    fix: "Do not build shell strings from input: call `execFile`/`spawn` with an argument array and no shell (`shell: false`), and validate the value against an allowlist before passing it as an argument (prefix it with `--` where the program allows).",
  },
  check(observation, context) {
    const token = context.case.canary;
    const effects: readonly Effect[] = observation.effects ?? [];
    // The canary *program* only: a call of the canary *function* is JavaScript running (code-injection's proof),
    // and counting it here reported every code injection twice.
    const ran = effects.find((e): e is CanaryEffect => e.kind === 'canary' && e.via === 'program' && e.token === token);
    const bySite = new Map<string, Finding>();
    for (const effect of effects) {
      if (effect.kind !== 'process') continue;
      const finding =
        effect.script !== null && effect.script.includes(token)
          ? shellFinding(effect, effect.script, context, ran)
          : effect.script === null && effect.file.includes(token)
            ? namedProgramFinding(effect, context, ran)
            : undefined;
      if (finding === undefined) continue;
      const known = bySite.get(finding.signature);
      if (known === undefined || (known.confidence === 'tainted' && finding.confidence === 'confirmed')) bySite.set(finding.signature, finding);
    }
    if (bySite.size === 0 && ran !== undefined) return [canaryOnlyFinding(effects, ran, context)];
    if (isUnprobed(observation)) return remoteMarkerFinding(observation, context);
    return [...bySite.values()];
  },
});

/**
 * A remote target has no probes: the only proof is output a shell computed, this case's `echo <canary>$((a*b))`
 * come back as `<canary><a*b>` while the payload text does not contain it. Marked `provenByMarker`, so the engine
 * re-sends the disarmed control before reporting it. Locally the probes see every shell, so a marker without a
 * recorded script is not taken as proof there (execution is blocked by default; a handler printing it is lying).
 */
function remoteMarkerFinding(observation: Observation, context: OracleContext): readonly Finding[] {
  const sighting = findEvaluatedMarker(observation, context, COMMAND_FAMILY, (expression) => `the payload's shell computes $((${expression}))`);
  if (sighting === undefined) return [];
  const injection = context.case.injection!;
  return [
    {
      oracle: 'command-injection',
      confidence: 'confirmed',
      severity: 'critical',
      title: 'Command injection: a shell ran the payload (remote)',
      evidence: redact(`A shell ran this case's payload: ${sighting.proof}.\npayload (${injection.payloadId}) at ${injection.target}: ${injection.payload}`, context.secrets),
      signature: `unprobed-sink@${injection.point}`,
      provenByMarker: true,
    },
  ];
}

function shellFinding(effect: ProcessEffect, script: string, context: OracleContext, ran: CanaryEffect | undefined): Finding | undefined {
  const token = context.case.canary;
  const verdict = shellCommandPosition(script, token, context.case.injection?.payload);
  // Quoting that held is the handler doing it right: the payload is one argument of the handler's own command.
  // Other cases (with a quote or `$(` in the payload) show whether the quoting always holds.
  if (verdict.quoted && ran === undefined) return undefined;
  // A shell refuses a script with a syntax error before running any of it: command position counts only if it parses.
  const syntax = verdict.commandPosition ? shellSyntax(script, token) : undefined;
  const runs = verdict.commandPosition && syntax?.parses === true;
  const confirmed = runs || ran !== undefined;
  const lines = [
    `${effect.api} handed a shell (${effect.file}) a script carrying this case's canary ${token}; ${
      effect.blocked ? 'eventfuzz blocked it, so it did not run' : 'it was allowed to run'
    }.`,
    `script: ${clipAround(script, token)}`,
    verdict.commandPosition ? `command position: ${verdict.reason}.` : `not in command position: ${verdict.reason}.`,
  ];
  if (syntax !== undefined && syntax.parses !== true) {
    lines.push(
      syntax.parses === false
        ? `the script does not parse as POSIX sh (${syntax.reason}), so a shell would run none of it.`
        : `not confirmed: ${syntax.reason}.`,
    );
  }
  if (ran !== undefined) lines.push(`canary program ran: ${ran.detail}`);
  lines.push(`call site: ${effect.callSite}`);
  return {
    oracle: 'command-injection',
    confidence: confirmed ? 'confirmed' : 'tainted',
    severity: confirmed ? 'critical' : 'high',
    title: confirmed ? `Command injection via ${effect.api}` : `Payload reaches a shell script via ${effect.api}`,
    evidence: redact(lines.join('\n'), context.secrets),
    signature: signature(effect.callSite, token),
    proofRank: ran !== undefined ? PROOF_RAN : runs && verdict.program === CANARY_PROGRAM_NAME ? PROOF_STARTS_CANARY : 0,
  };
}

/** No shell, but the program path or name carries the token: the payload chose which program starts. */
function namedProgramFinding(effect: ProcessEffect, context: OracleContext, ran: CanaryEffect | undefined): Finding {
  const token = context.case.canary;
  const lines = [
    `${effect.api} started a program whose path or name carries this case's canary ${token} (no shell involved); ${
      effect.blocked ? 'eventfuzz blocked it, so it did not run' : 'it was allowed to run'
    }.`,
    `program: ${clipAround(effect.file, token)}`,
  ];
  if (effect.args.length > 0) lines.push(`arguments: ${clipAround(effect.args.join(' '), token)}`);
  if (ran !== undefined) lines.push(`canary program ran: ${ran.detail}`);
  lines.push(`call site: ${effect.callSite}`);
  return {
    oracle: 'command-injection',
    confidence: 'confirmed',
    severity: 'critical',
    title: `Command injection via ${effect.api}: the payload names the program`,
    evidence: redact(lines.join('\n'), context.secrets),
    signature: signature(effect.callSite, token),
    proofRank: ran !== undefined ? PROOF_RAN : 0,
  };
}

/** The canary program ran with this token, though no probed shell script carried it (e.g. a payload-chosen program). */
function canaryOnlyFinding(effects: readonly Effect[], ran: CanaryEffect, context: OracleContext): Finding {
  const token = context.case.canary;
  const carrier = effects.find(
    (e): e is ProcessEffect => e.kind === 'process' && (e.file.includes(token) || e.args.some((a) => a.includes(token))),
  );
  const lines = [`The canary program ran with this case's canary ${token}: ${ran.detail}`];
  if (carrier !== undefined) lines.push(`carrying call: ${carrier.api} ${carrier.file} ${carrier.args.join(' ')}`, `call site: ${carrier.callSite}`);
  return {
    oracle: 'command-injection',
    confidence: 'confirmed',
    severity: 'critical',
    title: `Command injection via ${carrier?.api ?? 'the canary program'}`,
    evidence: redact(lines.join('\n'), context.secrets),
    signature: carrier === undefined ? 'canary-program' : signature(carrier.callSite, token),
    proofRank: PROOF_RAN,
  };
}

/** The signature must never carry the canary, or every case would look like a new bug. */
function signature(callSite: string, token: string): string {
  return callSite.split(token).join('<canary>');
}

/** Long scripts are cut to a window that keeps the canary visible. */
function clipAround(text: string, token: string): string {
  if (text.length <= MAX_SCRIPT_IN_EVIDENCE) return text;
  const from = Math.max(0, text.indexOf(token) - MAX_SCRIPT_IN_EVIDENCE / 2);
  const to = Math.min(text.length, from + MAX_SCRIPT_IN_EVIDENCE);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}
