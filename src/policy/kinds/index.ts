// The routing policy kinds geofailover knows: one line each. Adding a policy means its definition
// here (kinds/<kind>.ts: schema, regions, needed features, checks), its decision file
// (src/policy/<kind>.ts: region states → records) and one line in this list; the config schema's
// policy union is built from it, and src/policy/decide.ts must then name the decision (the compiler
// says so).
import type { z } from 'zod';
import type { PolicyBase, PolicyDefinition } from './definition.ts';
import { definition as failover } from './failover.ts';
import { definition as geo } from './geo.ts';
import { definition as latency } from './latency.ts';
import { definition as proximity } from './proximity.ts';
import { definition as weighted } from './weighted.ts';

const kinds = [failover, weighted, geo, latency, proximity] as const;

type Definitions = (typeof kinds)[number];
type Schema = Definitions['schema'];
export type PolicyKind = Definitions['kind'];
/** One kind's policy block, as parsed. */
export type PolicyOf<K extends PolicyKind> = z.output<Extract<Definitions, { kind: K }>['schema']>;
export type {
  Chain,
  CrossContext,
  FeatureNeed,
  NamedRegion,
  NeedsContext,
  Path,
  PolicyBase,
  PolicyDefinition,
  PolicyProblem,
} from './definition.ts';
export type { SteeringMatch, WhenAllDown } from './fields.ts';
export { proximityMatches } from './proximity.ts';

export const policyDefinitions: readonly PolicyDefinition<PolicyKind>[] = kinds as never;

/** The schemas of every kind, as the tuple zod's discriminated union wants. */
export const policySchemas = kinds.map((d) => d.schema) as unknown as [Schema, ...Schema[]];

export function policyDefinitionOf(kind: string): PolicyDefinition<PolicyKind> {
  const d = policyDefinitions.find((x) => x.kind === kind);
  if (!d) throw new Error(`no policy definition for kind "${kind}"`);
  return d;
}

/** The regions a policy can send traffic to, each once, in the order the policy names them. */
export function policyRegions(policy: PolicyBase): string[] {
  return [
    ...new Set(
      policyDefinitionOf(policy.kind)
        .regions(policy)
        .map((r) => r.region),
    ),
  ];
}
