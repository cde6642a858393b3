import type { Observation } from '../core/index.js';
import type { OracleContext } from './types.js';
import { evaluatedMarker } from '../core/index.js';
import { logsHaystack, responseHaystack, segmentAt } from './response-text.js';

/** Where an evaluated marker came back, said in one line for the evidence. */
export interface MarkerSighting {
  readonly marker: string;
  readonly proof: string;
}

/**
 * Where this case's evaluated marker (`<canary><a*b>`, see `evaluatedMarker`) appears in the response or the logs,
 * for a payload of `family` whose rendered text computes it and does not itself contain it: only evaluation can
 * have produced it, reflection of the text gives the unevaluated expression. `how` says what computed it.
 */
export function findEvaluatedMarker(observation: Observation, context: OracleContext, family: string, how: (expression: string) => string): MarkerSighting | undefined {
  const injection = context.case.injection;
  if (injection === null || injection.family !== family) return undefined;
  const found = evaluatedMarker(injection.payload, context.case.canary);
  if (found === undefined) return undefined;
  for (const haystack of [responseHaystack(observation.outcome), logsHaystack(observation)]) {
    const index = haystack.text.indexOf(found.marker);
    if (index !== -1) {
      return { marker: found.marker, proof: `the evaluated marker ${found.marker} (${how(found.expression)}) appears in the ${segmentAt(haystack, index).label}` };
    }
  }
  return undefined;
}
