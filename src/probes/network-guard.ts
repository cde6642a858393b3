import type { NetworkEffect } from '../core/index.js';
import type { ProbeContext } from './recorder.js';
import type { NamedDestinations } from './payload-destinations.js';
import type { Target } from './network-calls.js';
import { blockReason, normalizeHost } from '../core/destinations.js';
import { refusal } from './network-calls.js';
import { isNamed, namedDestinations, NOTHING_NAMED } from './payload-destinations.js';

/** @internal What the network probes need from their installer. */
export interface NetworkProbeOptions extends ProbeContext {
  /** Lets a token in the path or query of a non-metadata destination through (`--allow-exec`). Read per call. */
  readonly allowExec: boolean;
  /** Let every connection through unjudged and unrecorded (see ProbeOptions.dormant). Read per call. */
  readonly dormant?: boolean;
}

/** @internal A claim: a layer that judged and recorded a destination covers the layers below it. */
export interface Claim {
  readonly key: string;
}

/**
 * @internal
 * The one decision every network API shares (hooks for net, tls, http, fetch, dgram, DNS and undici all call it),
 * so a destination is judged the same whichever API reached it.
 */
export interface NetworkGuard {
  /**
   * Judges one attempt and records it, and returns the error to deliver when it is refused. `below`: the API sits
   * under another hooked one (Socket#connect under net.connect, undici's dispatch under fetch) and records only
   * when no higher layer claimed the destination (the policy is the same at every layer; it still applies).
   */
  attempt(api: string, target: Target, url: string | null, below?: boolean): Error | undefined;
  /** Runs `run` with `target` claimed, so the layers it calls into do not record the attempt again. */
  passDown<T>(target: Target, run: () => T): T;
  claim(target: Target): Claim;
  withdraw(claim: Claim): void;
  /** Runs `run` as the harness's own plumbing (net's lookup inside a connect): DNS hooks let it through. */
  internally<T>(run: () => T): T;
  /** True inside `internally`. */
  readonly inside: boolean;
  /** Starts an invocation: reads which destinations its event names (see payload-destinations.ts). */
  begin(event: unknown): void;
}

const MAX_TEXT = 65_536;

/** @internal Builds the realm's guard. */
export function createNetworkGuard(options: NetworkProbeOptions): NetworkGuard {
  const claims: Claim[] = [];
  // Read from the event on the first connection of an invocation, not at its start: most invocations open none,
  // and scanning every field of every event (with its decodings) cost a third of a trivial handler's throughput.
  let event: unknown;
  let named: NamedDestinations | undefined = NOTHING_NAMED;
  const namedNow = (): NamedDestinations => {
    if (named === undefined) {
      try {
        named = namedDestinations(event);
      } catch {
        named = NOTHING_NAMED;
      }
      event = undefined;
    }
    return named;
  };
  let depth = 0;
  const claim = (target: Target): Claim => {
    const entry = { key: keyOf(target) };
    claims[claims.length] = entry;
    return entry;
  };
  const withdraw = (entry: Claim): void => {
    const at = claims.indexOf(entry);
    if (at !== -1) claims.splice(at, 1);
  };
  return {
    attempt(api, target, url, below = false) {
      if (options.dormant === true) return undefined;
      const host = normalizeHost(target.host);
      const reason = blockReason(host, url, options.allowExec, isNamed(namedNow(), host, target.port));
      const key = keyOf(target);
      const claimed = below && claims.some((c) => c.key === key || (target.port === null && c.key.startsWith(`${host}|`)));
      if (!claimed) options.record(networkEffect(api, host, target.port, url, reason !== null, options.callSite()));
      return reason === null ? undefined : refusal(target);
    },
    passDown(target, run) {
      const entry = claim(target);
      try {
        return run();
      } finally {
        withdraw(entry);
      }
    },
    claim,
    withdraw,
    internally(run) {
      depth++;
      try {
        return run();
      } finally {
        depth--;
      }
    },
    get inside() {
      return depth > 0;
    },
    begin(next) {
      // A claim left by an attempt that never settled must not hide the next invocation's attempts.
      claims.length = 0;
      event = next;
      named = undefined;
    },
  };
}

function keyOf(target: Target): string {
  return `${normalizeHost(target.host)}|${target.port ?? ''}`;
}

function networkEffect(api: string, host: string, port: number | null, url: string | null, blocked: boolean, callSite: string): NetworkEffect {
  return { kind: 'network', api, host: clip(host), port, url: url === null ? null : clip(url), blocked, callSite };
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…(${text.length - MAX_TEXT} more chars)` : text;
}
