// What a provider kind brings besides its adapter: the schema of its `providers.<id>` config, what it
// can publish, where that config names secrets, and what `validate` checks for records on it.
// Definitions stay light (zod and the shared config fields, never an SDK) because the config schema
// is built from them; the adapter (providers/<kind>/index.ts) is loaded only when a zone needs it.
import type { z } from 'zod';
import type { ProviderCapabilities } from './capabilities.ts';

type GeoMatch = 'default' | { continent?: string; country?: string; subdivision?: string };

/** The parts of a record's config that definitions check (structural, so this file needs no config import). */
export interface RecordUnderCheck {
  name: string;
  type: string;
  ttl: number;
  proxied?: boolean | undefined;
  /** Any registered policy kind; a check that looks inside one narrows it with policyIs. */
  policy: { kind: string };
}

/** The policies provider checks look inside, as far as they look (structural: definitions load no policy code). */
interface PolicyShapes {
  weighted: { kind: 'weighted'; weights: Record<string, number> };
  geo: { kind: 'geo'; rules: { match: GeoMatch; regions: string[] }[] };
}

export function policyIs<K extends keyof PolicyShapes>(
  policy: { kind: string },
  kind: K,
): policy is PolicyShapes[K] {
  return policy.kind === kind;
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

export interface ProviderDefinition<K extends string = string, S extends z.ZodType = z.ZodType> {
  readonly kind: K;
  readonly schema: S;
  /** Record options only this kind understands (e.g. Cloudflare's `proxied`); others refuse them. */
  readonly recordOptions?: readonly string[];
  /** Environment variables the config names for secrets (validate warns when unset). */
  secrets?(cfg: z.output<S>, id: string): DefinitionSecret[];
  /**
   * What this kind can publish (providers/capabilities.ts): a value, or a function of the provider's
   * config where that decides it (Cloudflare's mode).
   */
  readonly capabilities: ProviderCapabilities | ((cfg: z.output<S>) => ProviderCapabilities);
  /** Values this kind cannot express beyond its capabilities: an error naming the alternative, or a warning. */
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
