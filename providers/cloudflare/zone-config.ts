// What the adapter needs from config about one zone: each managed record's ttl, `proxied` flag and
// policy, looked up by normalised name and type.
import type { Config, RecordConfig, RegionConfig, ZoneConfig } from '../../src/config/index.ts';
import { normaliseName } from '../../src/model/index.ts';

export interface ZoneLookup {
  zone: ZoneConfig | undefined;
  record(name: string, type: string): RecordConfig | undefined;
  /** All config records at a name (A and AAAA may both be managed). */
  atName(name: string): RecordConfig[];
  proxied(name: string, type: string): boolean;
  /** A region's config (endpoint weights shape load-balancer origins). */
  region(id: string): RegionConfig | undefined;
}

export function zoneLookup(config: Config, zoneName: string): ZoneLookup {
  const zone = config.zones.find((z) => normaliseName(z.name) === normaliseName(zoneName));
  const byKey = new Map<string, RecordConfig>();
  const byName = new Map<string, RecordConfig[]>();
  for (const r of zone?.records ?? []) {
    const n = normaliseName(r.name);
    byKey.set(`${n} ${r.type}`, r);
    byName.set(n, [...(byName.get(n) ?? []), r]);
  }
  return {
    zone,
    record: (name, type) => byKey.get(`${normaliseName(name)} ${type}`),
    atName: (name) => byName.get(normaliseName(name)) ?? [],
    proxied: (name, type) => byKey.get(`${normaliseName(name)} ${type}`)?.proxied ?? false,
    region: (id) => config.regions.find((r) => r.id === id),
  };
}
