// BuiltinProvider: the DnsProvider over the zone store. Reads follow the records() contract of
// providers/provider.ts; apply() is strict and atomic (all changes or none) and bumps the serial.
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import type { Config } from '../../src/config/index.ts';
import type { Logger } from '../../src/log/index.ts';
import {
  type ApplyResult,
  type Change,
  isMarkerName,
  markedName,
  markerOwner,
  normaliseName,
  type RecordSet,
  sortRecords,
} from '../../src/model/index.ts';
import { adapterCapabilities } from '../capabilities.ts';
import type { DnsProvider, ProviderFactory, RecordsQuery } from '../provider.ts';
import { applyChanges } from './change-checks.ts';
import { type builtinSchema, capabilities } from './definition.ts';
import { ZoneStore } from './store.ts';

export type BuiltinConfig = z.output<typeof builtinSchema>;

/** The store file of a builtin provider: its `storeFile`, else <controller.stateDir>/zones.json. */
export function storeFileOf(cfg: BuiltinConfig, config: Config): string {
  return resolve(cfg.storeFile ?? join(config.controller.stateDir, 'zones.json'));
}

// One ZoneStore per file per process, so the provider and an embedded DNS server share one instance
// (the server then hears about writes in-process, without waiting for the file watcher).
const stores = new Map<string, ZoneStore>();

export function sharedZoneStore(file: string, logger?: Logger): ZoneStore {
  const key = resolve(file);
  let store = stores.get(key);
  if (!store) {
    store = new ZoneStore(key, logger ? { logger } : {});
    stores.set(key, store);
  }
  return store;
}

export class BuiltinProvider implements DnsProvider {
  readonly kind = 'builtin';
  readonly capabilities = adapterCapabilities(capabilities);
  private loaded = false;

  constructor(
    readonly id: string,
    readonly owner: string,
    readonly store: ZoneStore,
  ) {}

  private ensureLoaded(): void {
    if (this.loaded) return;
    this.store.loadOrEmpty();
    this.loaded = true;
  }

  async records(zone: string, query: RecordsQuery = {}, signal?: AbortSignal): Promise<RecordSet[]> {
    signal?.throwIfAborted();
    this.ensureLoaded();
    // Another process may have written since; a stat check is cheap.
    this.store.check();
    const all = this.store.snapshot().zones[normaliseName(zone)] ?? [];
    const wanted = new Set((query.names ?? []).map(normaliseName));
    const ours = new Set<string>();
    for (const r of all) {
      if (r.type === 'TXT' && isMarkerName(r.name) && markerOwner(r) === this.owner)
        ours.add(markedName(r.name));
    }
    const out = all.filter(
      (r) => (r.type === 'TXT' && isMarkerName(r.name)) || ours.has(r.name) || wanted.has(r.name),
    );
    return sortRecords(out.map((r) => structuredClone(r) as RecordSet));
  }

  async apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult> {
    signal?.throwIfAborted();
    this.ensureLoaded();
    const apex = normaliseName(zone);
    if (changes.length === 0) return { applied: 0, calls: 0 };
    await this.store.update((data) => {
      // Validation runs against the freshest data, inside the write lock: nothing is written on error.
      const next = applyChanges(apex, data.zones[apex] ?? [], changes, this.id);
      return { ...data.zones, [apex]: sortRecords(next) };
    });
    return { applied: changes.length, calls: 1 };
  }

  async close(): Promise<void> {}
}

export const createProvider: ProviderFactory<BuiltinConfig> = (id, cfg, ctx) => {
  const store = sharedZoneStore(storeFileOf(cfg, ctx.config), ctx.logger);
  return new BuiltinProvider(id, ctx.owner, store);
};
