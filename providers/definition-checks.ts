// What kinds that publish plain record sets (no weights, no geography) share in their definitions:
// the features they declare, and validate's "refuse geo, publish weighted as one set with a warning".
import type { DefinitionProblem, ProviderFeatures, RecordUnderCheck } from './definition.ts';

/** supports() of a kind with plain record sets only: failover records, nothing weighted or aliased. */
export function plainFeatures(): ProviderFeatures {
  return {
    weighted: false,
    endpointWeights: false,
    failbackRamp: false,
    apexCname: false,
    alias: false,
    fallback: true,
  };
}

/**
 * checkRecord of a plain-records kind: a geo policy is an error (`geo` says why and what to use
 * instead); a weighted policy is published as one set of every serving region's values, which a
 * warning (`weighted`, at `weightedAt`) says.
 */
export function plainPolicyProblems(
  record: RecordUnderCheck,
  messages: { geo: string; weighted: string; weightedAt: (string | number)[] },
): DefinitionProblem[] {
  if (record.policy.kind === 'geo') return [{ at: ['policy', 'kind'], message: messages.geo }];
  if (record.policy.kind === 'weighted')
    return [{ at: messages.weightedAt, severity: 'warning', message: messages.weighted }];
  return [];
}
