// The builtin provider's public face: the adapter (createProvider) and its zone store. The
// authoritative DNS server that serves the store is providers/builtin/dns-server (startDnsServer, used by
// dns-server and the controller), kept apart so planning against the store never loads it.

export { applyChanges } from './change-checks.ts';
export { ZoneStoreError } from './errors.ts';
export { BuiltinProvider, createProvider, sharedZoneStore, storeFileOf } from './provider.ts';
export { type StoreListener, type StoreSnapshot, ZoneStore, type ZoneStoreOptions } from './store.ts';
export { emptyStore, parseStore, readStoreFile, type StoreData, writeStoreFile } from './store-file.ts';
