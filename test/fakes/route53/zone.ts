// The fake's hosted zone: record sets keyed by name+type+set id, listed in Route 53's order
// (reversed labels, then type, then set identifier), names written with Route 53's octal escapes.

export interface FakeGeo {
  ContinentCode?: string;
  CountryCode?: string;
  SubdivisionCode?: string;
}

/** A record set as the fake stores it (wire attributes, name normalised to lower case + dot). */
export interface FakeRRSet {
  name: string;
  type: string;
  setId?: string;
  weight?: number;
  geo?: FakeGeo;
  ttl?: number;
  values: string[];
  /** Attributes the fake stores but geofailover never writes (for hand-edit tests). */
  alias?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean };
  failover?: string;
  multiValue?: boolean;
  healthCheckId?: string;
}

export function plainName(name: string): string {
  const n = name
    .replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
    .toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** Route 53 returns characters outside a-z0-9-_. as \ooo. */
export function wireName(name: string): string {
  return name.replace(/[^a-z0-9\-_.]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

export function rrKey(r: { name: string; type: string; setId?: string | undefined }): string {
  return `${plainName(r.name)} ${r.type} ${r.setId ?? ''}`;
}

/** Sort key: labels reversed (so a.example.com sorts under com.example), then type, then set id. */
export function sortKey(name: string, type: string, setId?: string): string {
  const labels = plainName(name).slice(0, -1).split('.').reverse().join('\u0001');
  return `${labels}\u0000${type}\u0000${setId ?? ''}`;
}

export class FakeZone {
  rrsets = new Map<string, FakeRRSet>();
  /** Sorted listing, rebuilt after a change (call touch() after mutating rrsets directly). */
  private order: FakeRRSet[] | undefined;
  constructor(
    readonly id: string,
    readonly name: string,
  ) {}

  /** A copy to apply a batch to; record sets are replaced, never mutated, so a shallow copy will do. */
  clone(): Map<string, FakeRRSet> {
    return new Map(this.rrsets);
  }

  put(r: FakeRRSet): void {
    const rec = { ...r, name: plainName(r.name) };
    this.rrsets.set(rrKey(rec), rec);
    this.touch();
  }

  /** Commit a batch's result. */
  replace(next: Map<string, FakeRRSet>): void {
    this.rrsets = next;
    this.touch();
  }

  touch(): void {
    this.order = undefined;
  }

  sorted(): FakeRRSet[] {
    if (!this.order) {
      const keyed = [...this.rrsets.values()].map((r) => ({ r, k: sortKey(r.name, r.type, r.setId) }));
      keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
      this.order = keyed.map((x) => x.r);
    }
    return this.order;
  }
}
