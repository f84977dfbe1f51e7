// Provider adapters' public face: the contract and the factory that builds one from config.
export type { DnsProvider, ProviderCapabilities, RecordsQuery } from './provider.ts';
