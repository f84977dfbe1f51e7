// Provider adapters' public face: the contract and the factory that builds one from config.
export { createProvider, type ProviderContext, type ProviderFactory } from './factory.ts';
export type { DnsProvider, ProviderCapabilities, RecordsQuery } from './provider.ts';
