// Provider adapters' public face: the contract, the factory that builds one from config, and the
// registry of kinds (each kind's config schema and validate checks).

export type { AdapterCapabilities, ProviderCapabilities } from './capabilities.ts';
export { adapterCapabilities } from './capabilities.ts';
export { createProvider } from './factory.ts';
export type {
  DnsProvider,
  ProviderContext,
  ProviderFactory,
  RecordsQuery,
} from './provider.ts';
export {
  capabilitiesOf,
  type DefinitionProblem,
  type DefinitionSecret,
  definitionOf,
  definitions,
  type ProviderDefinition,
  type ProviderKind,
  providerSchemas,
  type RecordUnderCheck,
} from './registry/index.ts';
