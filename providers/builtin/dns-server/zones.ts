// The served zones, indexed for lookups: built once per store snapshot from the config's builtin
// zones and the store's records. NS and SOA at each apex are synthesised here.
import { normaliseName, type RecordSet, type RecordType } from '../../../src/model/index.ts';

export interface SoaData {
  primary: string;
  admin: string;
  serial: number;
  refresh: number;
  retry: number;
  expiration: number;
  /** Negative-caching TTL (RFC 2308). */
  minimum: number;
  ttl: number;
}

export interface ZoneIndex {
  apex: string;
  soa: SoaData;
  nameservers: string[];
  nsTtl: number;
  /** name → type → record sets (several for weighted/geo sets). */
  names: Map<string, Map<RecordType, RecordSet[]>>;
  /** Every name that exists, including empty non-terminals (RFC 8020: NODATA, not NXDOMAIN). */
  existing: Set<string>;
  /** True when some name starts with a `*` label (RFC 4592 wildcards): skips the search when none. */
  hasWildcards: boolean;
}

export interface ZoneSettings {
  nameservers: readonly string[];
  soaTtl?: number;
  negativeTtl?: number;
  nsTtl?: number;
}

export class ServedZones {
  private readonly byApex = new Map<string, ZoneIndex>();
  private readonly maxLabels: number;

  constructor(zones: readonly ZoneIndex[]) {
    let max = 0;
    for (const z of zones) {
      this.byApex.set(z.apex, z);
      max = Math.max(max, labelCount(z.apex));
    }
    this.maxLabels = max;
  }

  /** The most specific served zone holding `name` (dotted, lower case, trailing dot). */
  find(name: string): ZoneIndex | undefined {
    let n = name;
    for (;;) {
      const z = this.byApex.get(n);
      if (z) return z;
      const dot = n.indexOf('.');
      if (dot < 0 || dot === n.length - 1) return this.byApex.get('.');
      n = n.slice(dot + 1);
    }
  }

  get apexes(): string[] {
    return [...this.byApex.keys()];
  }

  get deepest(): number {
    return this.maxLabels;
  }
}

function labelCount(name: string): number {
  return name === '.' ? 0 : name.split('.').length - 1;
}

export function buildZoneIndex(
  apexName: string,
  records: readonly RecordSet[],
  serial: number,
  settings: ZoneSettings,
): ZoneIndex {
  const apex = normaliseName(apexName);
  const nameservers = (settings.nameservers.length > 0 ? settings.nameservers : [`ns1.${apex}`]).map(
    normaliseName,
  );
  const negative = settings.negativeTtl ?? 60;
  const soa: SoaData = {
    primary: nameservers[0]!,
    admin: `hostmaster.${apex}`,
    serial: serial >>> 0,
    refresh: 3600,
    retry: 600,
    expiration: 604800,
    minimum: negative,
    ttl: settings.soaTtl ?? 300,
  };
  const names = new Map<string, Map<RecordType, RecordSet[]>>();
  const existing = new Set<string>([apex]);
  for (const r of records) {
    const name = normaliseName(r.name);
    if (name !== apex && !name.endsWith(`.${apex}`)) continue;
    if (r.type === 'NS' || r.type === 'SOA') continue; // synthesised, never stored
    let types = names.get(name);
    if (!types) {
      types = new Map();
      names.set(name, types);
    }
    const list = types.get(r.type);
    if (list) list.push(r);
    else types.set(r.type, [r]);
    // The name and every ancestor up to the apex exist.
    for (let n = name; n !== apex && !existing.has(n); n = n.slice(n.indexOf('.') + 1)) existing.add(n);
  }
  const hasWildcards = [...existing].some((n) => n.startsWith('*.'));
  return { apex, soa, nameservers, nsTtl: settings.nsTtl ?? 3600, names, existing, hasWildcards };
}

/** The served zones of one builtin provider at one store snapshot (the server and its workers). */
export function servedZonesOf(
  apexes: readonly string[],
  snapshot: { serial: number; zones: Readonly<Record<string, readonly RecordSet[]>> },
  settings: ZoneSettings,
): ServedZones {
  return new ServedZones(
    apexes.map((apex) => buildZoneIndex(apex, snapshot.zones[apex] ?? [], snapshot.serial, settings)),
  );
}
