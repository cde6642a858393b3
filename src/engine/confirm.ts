import type { Finding, FuzzCase } from '../core/index.js';
import { markerControlPayload } from '../core/index.js';
import { needsGrowthCheck, notRedos, shortenedPump } from './redos-growth.js';

/** A finding an invocation showed, with its dedupe key. */
export interface KeyedFinding {
  readonly key: string;
  readonly finding: Finding;
}

/** What re-running a case, and the same case without its payload, says about one finding. */
export type ControlVerdict =
  /** The payload is what triggers it: the case shows it and the payload-free control does not. */
  | { readonly kind: 'payload'; readonly finding: Finding }
  /** The payload-free control shows it too: it comes from the event's shape, not from the payload. */
  | { readonly kind: 'event'; readonly control: FuzzCase; readonly finding: Finding }
  /** Asked to reproduce, the case itself did not show it again (a slow moment, not a bug of this case). */
  | { readonly kind: 'unreproduced' }
  /**
   * There is nothing to compare with (the case carries no payload, or its base event is unknown); `finding` when
   * a marker control ran first and changed what the finding says.
   */
  | { readonly kind: 'no-control'; readonly finding?: Finding }
  /**
   * The evaluated marker came back for the disarmed control too (see `markerControl`): the target prints it
   * whatever it gets, so it proves no evaluation. Not a finding.
   */
  | { readonly kind: 'marker-without-evaluation'; readonly control: FuzzCase };

export interface ControlRequest {
  readonly fuzzCase: FuzzCase;
  /** The finding being judged, and its dedupe key. */
  readonly finding: Finding;
  readonly key: string;
  /**
   * Runs one case and returns what the oracles said, keyed; `undefined` when it could not run (the time budget
   * is spent, the runner failed): no evidence either way, which a control must never read as "did not show it".
   */
  readonly evaluate: (candidate: FuzzCase) => Promise<readonly KeyedFinding[] | undefined>;
  /** The same case without its payload, or `undefined` when there is none. */
  readonly withoutPayload: (fuzzCase: FuzzCase) => FuzzCase | undefined;
  /** Re-run the case itself first and require the finding again (see `needsReproduction`). */
  readonly reproduce: boolean;
  /** The same case with another payload text at the same field, for the ReDoS growth check; absent: no check. */
  readonly withPayload?: ((fuzzCase: FuzzCase, payload: string) => FuzzCase | undefined) | undefined;
  /**
   * The target is remote (its observations carry no effects): a finding proven only by an evaluated marker
   * (`provenByMarker`) must first not show for the payload's disarmed control, sent through `withPayload`.
   */
  readonly markerControl?: boolean | undefined;
}

/** Whether a finding seen on an observation needs the marker's negative control before it is reported. */
export function needsMarkerControl(finding: Pick<Finding, 'provenByMarker'>, remote: boolean): boolean {
  return remote && finding.provenByMarker === true;
}

/**
 * Oracles whose verdict a single invocation cannot carry: a timeout is as much the machine's state (a DNS stall
 * under load, a slow local service, two other processes on the same cores) as the case's. Their findings are
 * reported only once the case shows them again; everything else is proved by what one invocation did.
 */
export function needsReproduction(finding: Pick<Finding, 'oracle'>): boolean {
  return finding.oracle === 'timeout';
}

/**
 * The one control-run mechanism of the campaign, used for attribution (does the payload cause the finding, or
 * the event it was written into?) and for confirming timeouts. With `reproduce`, the case runs again first and
 * must show the finding; then its payload-free twin runs: the finding belongs to the payload's field only when
 * the twin does not show it. A finding whose twin shows it is about the event itself (a crash on the generated
 * message's shape), whichever field the payload happened to be in. A timeout has no site to compare: any timeout
 * of the twin counts as showing it.
 */
export async function runControl(request: ControlRequest): Promise<ControlVerdict> {
  const { fuzzCase, key, evaluate } = request;
  let finding = request.finding;
  if (request.reproduce) {
    const again = (await evaluate(fuzzCase))?.find((hit) => hit.key === key);
    if (again === undefined) return { kind: 'unreproduced' };
    finding = again.finding;
  }
  const marked = request.markerControl === true && needsMarkerControl(finding, true);
  if (marked) {
    const checked = await disarmedControl(request, finding);
    if ('kind' in checked) return checked;
    finding = checked;
  }
  const control = request.withoutPayload(fuzzCase);
  if (control === undefined) return marked ? { kind: 'no-control', finding } : { kind: 'no-control' };
  const seen = await evaluate(control);
  if (seen === undefined) return { kind: 'no-control', finding }; // not run: the payload's field keeps it
  const shown = seen.find((hit) => hit.key === key || (needsReproduction(finding) && hit.finding.oracle === finding.oracle));
  if (shown !== undefined) return { kind: 'event', control, finding: shown.finding };
  return { kind: 'payload', finding: await backedByGrowth(request, finding) };
}

/**
 * The negative control of an evaluated marker: the same case with the payload's arithmetic disarmed
 * (`markerControlPayload`: `a*b` becomes `a-b`, same text otherwise). The control is judged as if it carried the
 * original payload, so the oracle looks for the original marker: an evaluating target computes another number
 * and shows nothing, a target that prints the marker whatever it gets shows it again, and that rejects the
 * finding. Without a way to send the control (no `withPayload`, a field that cannot carry it) the finding stays,
 * but tainted: nothing ruled the fake out.
 */
async function disarmedControl(request: ControlRequest, finding: Finding): Promise<ControlVerdict | Finding> {
  const { fuzzCase, withPayload } = request;
  const injection = fuzzCase.injection;
  const text = injection === null ? undefined : markerControlPayload(injection.payload, fuzzCase.canary);
  const variant = text === undefined ? undefined : withPayload?.(fuzzCase, text);
  if (injection === null || variant === undefined || variant.injection === null) {
    return {
      ...finding,
      confidence: 'tainted',
      severity: 'high',
      evidence: `${finding.evidence}\nNot confirmed: the disarmed control of this payload could not be sent, so a target that prints the marker whatever it gets is not ruled out.`,
    };
  }
  const control: FuzzCase = { ...variant, injection: { ...variant.injection, payload: injection.payload } };
  const seen = await request.evaluate(control);
  if (seen === undefined) return { ...finding, confidence: 'tainted', severity: 'high', evidence: `${finding.evidence}\nNot confirmed: the disarmed control of this payload could not run, so a target that prints the marker whatever it gets is not ruled out.` };
  if (seen.some((hit) => hit.key === request.key)) return { kind: 'marker-without-evaluation', control: variant };
  return { ...finding, evidence: `${finding.evidence}\nNegative control: the same payload with its arithmetic disarmed (${text}) did not bring the marker back.` };
}

/**
 * "Possible ReDoS" only when the time grows with the payload's length: the same field with a pump a sixteenth as
 * long must finish. A handler that hangs on the value whatever its length keeps a plain timeout.
 */
async function backedByGrowth(request: ControlRequest, finding: Finding): Promise<Finding> {
  const { fuzzCase, withPayload } = request;
  if (withPayload === undefined || fuzzCase.injection === null || !needsGrowthCheck(finding, fuzzCase)) return finding;
  const short = shortenedPump(fuzzCase.injection.payload);
  const variant = short === undefined ? undefined : withPayload(fuzzCase, short);
  if (short === undefined || variant === undefined) return finding;
  const seen = await request.evaluate(variant);
  if (seen === undefined) return { ...finding, evidence: `${finding.evidence}\nThe growth check (a pump a sixteenth as long) could not run: whether the time grows with the input is not known.` };
  return seen.some((hit) => hit.finding.oracle === 'timeout') ? notRedos(finding, short.length) : finding;
}

/**
 * How a finding that the payload-free event shows too is reported: at no injection point, on that event, with
 * its evidence saying so. A timeout that happens with and without the payload is no payload finding and no
 * proof of a hang either (slow infrastructure does exactly that): it stays, but only as a tainted, low note
 * that the event's shape or the environment is slow, never as a confirmed timeout.
 */
export function eventFinding(finding: Finding): Finding {
  const note = 'The same event without any payload shows this too: it comes from the event itself, not from a payload.';
  if (needsReproduction(finding)) {
    return {
      ...finding,
      confidence: 'tainted',
      severity: 'low',
      title: 'Handler timed out with and without the payload (slow dependency, or a hang on this event)',
      evidence: `${finding.evidence}\nThe same event without any payload timed out too: not caused by a payload, and not proof of a hang.`,
    };
  }
  return { ...finding, evidence: `${finding.evidence}\n${note}` };
}
