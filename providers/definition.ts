// What a provider kind brings besides its adapter: the schema of its `providers.<id>` config, where
// that config names secrets, and what `validate` checks for records on it. Definitions stay light
// (zod and the shared config fields, never an SDK) because the config schema is built from them; the
// adapter itself (providers/<kind>/index.ts) is loaded by the factory only when a zone needs it.
import type { z } from 'zod';

type GeoMatch = 'default' | { continent?: string; country?: string; subdivision?: string };

/** The parts of a record's config that definitions check (structural, so this file needs no config import). */
export interface RecordUnderCheck {
  name: string;
  type: string;
  ttl: number;
  proxied?: boolean | undefined;
  policy:
    | { kind: 'failover'; order: string[] }
    | { kind: 'weighted'; weights: Record<string, number> }
    | { kind: 'geo'; rules: { match: GeoMatch; regions: string[] }[] };
}

/** A problem validate reports for a record; `at` is relative to the record (e.g. ['policy', 'kind']). */
export interface DefinitionProblem {
  at: (string | number)[];
  message: string;
  /** Warnings are printed by validate but do not make the config invalid. */
  severity?: 'error' | 'warning';
}

export interface DefinitionSecret {
  /** The key of the provider's config that names the secret (e.g. `apiTokenEnv`, or `tsig.secretEnv`). */
  at: (string | number)[];
  envVar: string;
  /** Who needs it, for validate's message (default: the provider). */
  usedBy?: string;
}

/**
 * Traffic features a kind can express. validate refuses a config that needs one its zone's provider
 * lacks (naming the alternative). Absent means no: a new kind declares what it can.
 */
export interface ProviderFeatures {
  /** Weighted record sets (weighted policy, and the failback ramp of failover records). */
  weighted?: boolean;
  /** Per-endpoint weights inside a region (one weighted set per endpoint, or origin weights). */
  endpointWeights?: boolean;
  /** The gradual failback ramp: weights that change step by step after a recovery. */
  failbackRamp?: boolean;
  /** Endpoint weights inside a region that is on a failback ramp (each endpoint's share ramps too). */
  rampedEndpointWeights?: boolean;
  /** A CNAME at the zone apex (CNAME flattening). */
  apexCname?: boolean;
  /** Alias records (endpoints[].alias): A/AAAA answers that follow a target name (Route 53). */
  alias?: boolean;
  /**
   * Answers from regions outside a rule's own list: a geo rule falling through to the default rule,
   * and a record's `fallback` regions. A kind that publishes the values policy chooses can; one whose
   * answers follow from config alone (Cloudflare load balancers, whose pool lists come from the rules)
   * cannot.
   */
  fallback?: boolean;
}

export interface ProviderDefinition<K extends string = string, S extends z.ZodType = z.ZodType> {
  readonly kind: K;
  readonly schema: S;
  /** Record options only this kind understands (e.g. Cloudflare's `proxied`); others refuse them. */
  readonly recordOptions?: readonly string[];
  /** Environment variables the config names for secrets (validate warns when unset). */
  secrets?(cfg: z.output<S>, id: string): DefinitionSecret[];
  /** Traffic features this kind can express with this config (see ProviderFeatures). */
  supports?(cfg: z.output<S>): ProviderFeatures;
  /** Policies and values this kind cannot express: an error naming the alternative, or a warning. */
  checkRecord?(
    cfg: z.output<S>,
    record: RecordUnderCheck,
    zone: { name: string; provider: string },
  ): DefinitionProblem[];
  /** Checks of the provider's own config across its keys; `at` is relative to `providers.<id>`. */
  checkProvider?(cfg: z.output<S>, id: string): DefinitionProblem[];
}

/** Identity, for inference: `export const definition = defineProvider({ kind: 'x', schema, ... })`. */
export function defineProvider<const K extends string, S extends z.ZodType>(
  d: ProviderDefinition<K, S>,
): ProviderDefinition<K, S> {
  return d;
}
