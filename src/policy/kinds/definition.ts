// What a routing policy kind brings besides its decision: the schema of its `policy:` block, the
// regions it names, the provider features its records need and the checks validate makes of it.
// Definitions stay light (zod, the config fields and model only) because the config schema is built
// from them; how a kind turns region states into records is its decision file, src/policy/<kind>.ts.
import type { z } from 'zod';
import type { Capacity, Location } from '../../config/fields/index.ts';
import type { Feature } from '../../model/index.ts';
import type { WhenAllDown } from './fields.ts';

export type Path = (string | number)[];

/** A region a policy names, and where it names it (relative to the policy, e.g. ['order', 0]). */
export interface NamedRegion {
  at: Path;
  region: string;
}

/**
 * One rule or order of a policy, in the order of its sets: the regions it answers from (`own`), then
 * the ones it falls through to before the record's fallback (`fallsTo`; a geo rule: the default rule's).
 */
export interface Chain {
  own: string[];
  fallsTo: string[];
}

/** A problem of a policy's own fields that its schema cannot see; `at` is relative to the policy. */
export interface PolicyProblem {
  at: Path;
  message: string;
  /** Warnings are printed by validate but do not make the config invalid. */
  severity?: 'error' | 'warning';
}

/** What a policy's checks across the config see of it (structural: definitions load no config). */
export interface CrossContext {
  regions: readonly {
    id: string;
    location?: Location | undefined;
    bias?: number | undefined;
    capacity?: Capacity | undefined;
  }[];
  /** The configured prober ids. */
  probers: readonly string[];
}

/** What a record's config says beside its policy that changes the features it needs. */
export interface NeedsContext {
  /** health.failbackRamp is set. */
  ramp: boolean;
  /** A region's endpoints whose address fits the record's type, with their weights. */
  endpoints(region: string): readonly { id: string; weight: number }[];
}

/** A feature one record needs because of how it and the config are written (not every record of its kind does). */
export interface FeatureNeed {
  feature: Feature;
  /** Where validate reports it, relative to the record. */
  at: Path;
  /** Checked only when the provider has these: when it lacks one, that problem is the one to tell. */
  given?: readonly Feature[];
  /** The region whose endpoints need it, with those endpoints (the message names them). */
  region?: string;
  endpoints?: readonly { id: string; weight: number }[];
}

/** What every policy block has, whatever its kind (explain and the operator warnings read whenAllDown). */
export interface PolicyBase {
  kind: string;
  whenAllDown: WhenAllDown;
}

export interface PolicyDefinition<
  K extends string = string,
  S extends z.ZodType<PolicyBase> = z.ZodType<PolicyBase>,
> {
  readonly kind: K;
  readonly schema: S;
  /** Features every record of this kind needs; a provider that lacks one refuses the record (or publishes it as its declaration says). */
  readonly needs: readonly Feature[];
  /** Every region the policy names, each time it names it, in order. */
  regions(policy: z.output<S>): NamedRegion[];
  /** Its rules or orders (one for a kind without rules), in the order of the sets they publish. */
  chains(policy: z.output<S>): Chain[];
  /** Further features a record needs from how it is written (a failback ramp, endpoint weights). */
  needsFor?(policy: z.output<S>, ctx: NeedsContext): FeatureNeed[];
  /** Checks across the policy's own fields (after its regions are known to exist). */
  check?(policy: z.output<S>): PolicyProblem[];
  /** Checks against the rest of the config: probers it names, fields its regions must carry. */
  crossCheck?(policy: z.output<S>, ctx: CrossContext): PolicyProblem[];
}

/** Identity, for inference: `export const definition = definePolicy({ kind: 'x', schema, ... })`. */
export function definePolicy<const K extends string, S extends z.ZodType<PolicyBase>>(
  d: PolicyDefinition<K, S>,
): PolicyDefinition<K, S> {
  return d;
}
