// The provider kinds geofailover knows: one line each. Adding a provider means its own folder,
// providers/<kind>/, with definition.ts (config schema and validate checks; light, no SDK) and
// index.ts (the adapter's createProvider, loaded by the factory only when a zone uses that kind),
// plus one line here. The folder name is the kind.
import type { z } from 'zod';
import { definition as azure } from '../azure/definition.ts';
import { definition as builtin } from '../builtin/definition.ts';
import type { ProviderCapabilities } from '../capabilities.ts';
import { definition as cloudflare } from '../cloudflare/definition.ts';
import type { ProviderDefinition } from '../definition.ts';
import { definition as googlecloud } from '../googlecloud/definition.ts';
import { definition as memory } from '../memory/definition.ts';
import { definition as powerdns } from '../powerdns/definition.ts';
import { definition as rfc2136 } from '../rfc2136/definition.ts';
import { definition as route53 } from '../route53/definition.ts';

const kinds = [builtin, route53, cloudflare, memory, rfc2136, googlecloud, azure, powerdns] as const;

type Definitions = (typeof kinds)[number];
type Schema = Definitions['schema'];
export type ProviderKind = Definitions['kind'];
export type { Plain, ProviderCapabilities, Refused, Support } from '../capabilities.ts';
export { hasFeature } from '../capabilities.ts';
export type {
  DefinitionProblem,
  DefinitionSecret,
  ProviderDefinition,
  RecordUnderCheck,
} from '../definition.ts';

export const definitions: readonly ProviderDefinition<string, z.ZodType>[] = kinds as never;

/** The schemas of every kind, as the tuple zod's discriminated union wants. */
export const providerSchemas = kinds.map((d) => d.schema) as unknown as [Schema, ...Schema[]];

export function definitionOf(kind: string): ProviderDefinition<string, z.ZodType> {
  const d = definitions.find((x) => x.kind === kind);
  if (!d) throw new Error(`no provider definition for kind "${kind}"`);
  return d;
}

/** What a configured provider can publish: its kind's declaration, for this config. */
export function capabilitiesOf(cfg: { kind: string; [key: string]: unknown }): ProviderCapabilities {
  const c = definitionOf(cfg.kind).capabilities;
  return typeof c === 'function' ? c(cfg) : c;
}
