// The builtin provider's public face: the adapter (createProvider), its zone store, and the
// authoritative DNS server that serves the store (startDnsServer, used by dns-server and the controller).
export { ZoneStoreError } from './errors.ts';
export { BuiltinProvider, createProvider, sharedZoneStore, storeFileOf } from './provider.ts';
export {
  DnsListenError,
  type DnsServerHandle,
  type DnsServerOptions,
  type DnsStats,
  DnsWorkersError,
  type NotifyOutcome,
  registerDnsMetrics,
  registerDnsWorkersGauge,
  type SizedServer,
  startDnsServer,
  type WorkerBudget,
  type WorkerLimit,
} from './server/index.ts';
export { type StoreListener, type StoreSnapshot, ZoneStore, type ZoneStoreOptions } from './store.ts';
export { emptyStore, parseStore, readStoreFile, type StoreData, writeStoreFile } from './store-file.ts';
export { applyChanges } from './validate.ts';
