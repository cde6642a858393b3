import type { Effect, FileEffect, Finding } from '../core/index.js';
import type { OracleContext } from './types.js';
import { redact } from './redact.js';
import { defineOracle } from './types.js';

/**
 * Path traversal (CWE-22): this case's canary reached a file-system call through a path that escaped.
 *
 * - `confirmed`: the call's resolved path lies outside the allowed roots (the probe decides: task root, os.tmpdir(),
 *   /tmp) **and** landed where the payload aimed, directly under the top-level directory the payload names
 *   (`/etc/<token>`), whatever the handler appended after it (`/etc/<token>.html`, `/etc/<token>/welcome.html`).
 *   Every path-traversal payload climbs to `/` and into that directory, so landing there proves the
 *   `../` (decoded, de-backslashed, filter-bypassing or absolute) form escaped whatever base the handler used.
 *   "Outside the roots" alone is not enough: locally the handler's own base (`/var/task/templates`) is usually
 *   outside the task root too, and a handler that keeps the payload inert inside its base must not be reported.
 *   Read, write or delete, blocked or not: the handler asked for the file.
 * - `confirmed`, a distinct finding ("Write outside the allowed roots …"): a write or delete whose real location
 *   (symlinks followed: `/tmp/link/<token>` with /tmp/link a symlink to a home directory) lies outside the allowed
 *   roots, wherever it points. The payload chose the name of a file the handler changes outside the places a
 *   Lambda function may write; the probe refuses such a call (unless `--allow-exec`), and a refusal must never go
 *   unreported. High, not critical: it does not show the payload escaping a base, only naming a file outside.
 *   It shares the call site's signature, so a proven escape from the same call (critical) outranks it.
 * - `tainted`: the path the handler passed still holds literal `..` segments (the OS will climb them) or is the
 *   payload itself as an absolute path, but it did not land at the payload's target (inside the roots, or a partial
 *   climb). Encoded forms (`%2e%2e%2f`, `..%5c`, `....//`) that reach fs undecoded are inert bytes in a file name
 *   and are not reported: a handler that resolves and checks containment passes them to fs legitimately.
 *
 * Severity: critical for a write or delete, high otherwise (a write outside the roots: high). Signature: call site + op. A handler that checks
 * containment never calls fs with the escaped path, so it produces no effect to judge.
 */
export const pathTraversal = defineOracle({
  id: 'path-traversal',
  description: "This case's canary reached a file-system call through a path that escaped to where the payload aimed (confirmed) or kept its `..` segments (tainted).",
  docs: {
    cwe: 'CWE-22',
    securitySeverity: '7.5',
    help: "Text from the event chose a file-system path that escaped the directory the handler meant to use (`../`, an absolute path). Files of the function or of the instance can then be read or written.",
    fix: "Resolve the path with `path.resolve(base, input)` and refuse it unless it stays under `base`; better, map the input to a fixed set of names, and never pass raw keys or query values to `fs`.",
  },
  check(observation, context) {
    const token = context.case.canary;
    const effects: readonly Effect[] = observation.effects ?? [];
    const target = payloadText(context);
    const bySite = new Map<string, Finding>();
    for (const effect of effects) {
      if (effect.kind !== 'file' || !effect.path.includes(token)) continue;
      const verdict = judgeEffect(effect, token, target);
      if (verdict === undefined) continue;
      const finding = toFinding(effect, verdict, context);
      const known = bySite.get(finding.signature);
      if (known === undefined || (known.confidence === 'tainted' && finding.confidence === 'confirmed')) bySite.set(finding.signature, finding);
    }
    return [...bySite.values()];
  },
});

interface Verdict {
  readonly confidence: 'confirmed' | 'tainted';
  /** `outside`: a write or delete outside the roots that is not (shown to be) a traversal. */
  readonly kind: 'traversal' | 'outside';
  readonly reason: string;
}

function judgeEffect(effect: FileEffect, token: string, payload: string | undefined): Verdict | undefined {
  const resolved = effect.resolved;
  // The payload aims at `/<dir>/<token>`; whatever the handler appends after it (`.html`, `/welcome.html`, more
  // segments) does not undo the escape, so the landing is judged on the first two segments of the resolved path.
  const [top = '', landing = ''] = resolved.split('/').filter((segment) => segment !== '');
  const landed =
    effect.outsideRoots !== false &&
    landing.includes(token) &&
    payload !== undefined &&
    aimsAt(payload, top.toLowerCase(), token) &&
    !effect.path.includes('\u0000');
  if (landed) {
    return { confidence: 'confirmed', kind: 'traversal', reason: `the resolved path ${resolved} passes through /${top}/${landing}, where the payload aims, outside the allowed roots` };
  }
  // Before the `..` check: a change outside the roots is a fact, stronger than a climb that did not land.
  if ((effect.op === 'write' || effect.op === 'delete') && effect.outsideRoots === true && !effect.path.includes('\u0000')) {
    const where = effect.real === undefined ? effect.resolved : `${effect.real}, where a symlink on the way leads`;
    return { confidence: 'confirmed', kind: 'outside', reason: `the call would change ${where}: a payload-chosen name outside the task root and the temp directories` };
  }
  if (effect.path.split('/').includes('..')) {
    return { confidence: 'tainted', kind: 'traversal', reason: 'the path still holds `..` segments from the payload; they did not climb to the payload\'s target here' };
  }
  if (payload !== undefined && effect.path.startsWith('/') && payload.startsWith(effect.path.toLowerCase())) {
    return { confidence: 'tainted', kind: 'traversal', reason: 'the whole path is the payload, an absolute path the handler used as is' };
  }
  return undefined;
}

/** Separators as payloads spell them: `/`, `\`, URL-encoded once or twice, overlong UTF-8. */
const SEPARATORS = /^(?:\/|\\|%2f|%5c|%252f|%255c|%c0%af)+$/;

/** Whether the payload names `dir` right before the token, across any separator spelling (`etc%2f<token>`). */
function aimsAt(payload: string, dir: string, token: string): boolean {
  const at = payload.indexOf(token);
  if (at === -1 || dir === '') return false;
  const before = payload.slice(0, at);
  const dirAt = before.lastIndexOf(dir);
  return dirAt !== -1 && SEPARATORS.test(before.slice(dirAt + dir.length));
}

/** The case's payload, NFKC-normalised and lower-cased, for locating the directory it aims at (`etc`). */
function payloadText(context: OracleContext): string | undefined {
  const payload = context.case.injection?.payload;
  return payload === undefined ? undefined : payload.normalize('NFKC').toLowerCase();
}

function toFinding(effect: FileEffect, verdict: Verdict, context: OracleContext): Finding {
  const token = context.case.canary;
  const changes = effect.op === 'write' || effect.op === 'delete';
  const outsideMark = effect.outsideRoots === true ? ' (outside the task root and the temp directory)' : '';
  const lines = [
    `${effect.api} (${effect.op}) was called with a path carrying this case's canary ${token}; ${
      effect.blocked ? 'eventfuzz refused it, so nothing was changed' : 'it was performed'
    }.`,
    `path: ${effect.path}`,
    // The probe judges the real location: the outside mark belongs to it when a symlink took the path elsewhere.
    effect.real === undefined ? `resolved: ${effect.resolved}${outsideMark}` : `resolved: ${effect.resolved}\nreal location: ${effect.real}${outsideMark}`,
    `${verdict.confidence}: ${verdict.reason}.`,
    `call site: ${effect.callSite}`,
  ];
  return {
    oracle: 'path-traversal',
    confidence: verdict.confidence,
    severity: changes && verdict.kind === 'traversal' ? 'critical' : 'high',
    title: `${titleOf(verdict, effect)} via ${effect.api}`,
    evidence: redact(lines.join('\n'), context.secrets),
    signature: `${effect.callSite.split(token).join('<canary>')}:${effect.op}`,
  };
}

function titleOf(verdict: Verdict, effect: FileEffect): string {
  if (verdict.kind === 'outside') return `${effect.op === 'delete' ? 'Delete' : 'Write'} outside the allowed roots at a payload-chosen path`;
  return verdict.confidence === 'confirmed' ? 'Path traversal' : 'Traversal sequence reaches a file-system call';
}
