// Records mode, read side (pure): Cloudflare DNS records -> the RecordSets the planner sees.
//  - One RecordSet per (name, type) of A/AAAA/CNAME: Cloudflare keeps one record per value.
//  - Ownership is synthesised: a name whose records all carry our tag gets the marker
//    `_geofailover.<name>` TXT `owner=<id>`; a name with another owner's tag gets a marker naming that
//    owner (refused always). A name with untagged records gets no marker, so the planner refuses it
//    unless adopting (adopting = tagging them).
//  - TTL is reported so that re-planning never churns: a proxied record is stored as 1 (Auto), which
//    we report as the config ttl when config also wants it proxied. When the stored proxied flag
//    differs from config, we report ttl 0 (a value no desired record has), so the plan carries an
//    update that fixes the flag.
import {
  markerRecord,
  normaliseName,
  normaliseRecord,
  type RecordSet,
  type RecordType,
  sortRecords,
} from '../../src/model/index.ts';
import type { CfRecord } from './list.ts';
import { tagOwners } from './ownership.ts';
import type { ZoneLookup } from './zone-config.ts';

export const MANAGED_TYPES: readonly string[] = ['A', 'AAAA', 'CNAME'];

/** ttl reported when the proxied flag differs from config (see header). */
export const PROXIED_MISMATCH_TTL = 0;

export interface RecordsView {
  sets: RecordSet[];
  /** Cloudflare records by normalised name, managed types only: the base apply() works from. */
  byName: Map<string, CfRecord[]>;
  /** Names whose marker (ours) is synthesised. */
  ours: Set<string>;
}

export type NameOwnership = { kind: 'ours' } | { kind: 'foreign'; owner: string } | { kind: 'none' };

export function nameOwnership(records: readonly CfRecord[], owner: string): NameOwnership {
  const owners = new Set(records.flatMap((r) => tagOwners(r.tags)));
  const foreign = [...owners].filter((o) => o !== owner).sort();
  if (foreign.length > 0) return { kind: 'foreign', owner: foreign[0]! };
  if (records.length > 0 && records.every((r) => tagOwners(r.tags).includes(owner))) return { kind: 'ours' };
  return { kind: 'none' };
}

function reportedTtl(r: CfRecord, name: string, lookup: ZoneLookup): number {
  const cfg = lookup.record(name, r.type);
  const wantProxied = cfg?.proxied ?? false;
  if (r.proxied !== wantProxied) return cfg ? PROXIED_MISMATCH_TTL : r.ttl;
  return r.proxied && cfg ? cfg.ttl : r.ttl;
}

function toSet(name: string, type: string, records: CfRecord[], lookup: ZoneLookup): RecordSet {
  const ttls = records.map((r) => reportedTtl(r, name, lookup));
  const want = lookup.record(name, type)?.ttl;
  // Records of one set with different ttls: report one that differs from config, so it gets fixed.
  const ttl = ttls.every((t) => t === ttls[0]) ? ttls[0]! : (ttls.find((t) => t !== want) ?? ttls[0]!);
  return normaliseRecord({ name, type: type as RecordType, ttl, values: records.map((r) => r.content) });
}

export function buildRecordsView(
  records: readonly CfRecord[],
  owner: string,
  queryNames: readonly string[],
  lookup: ZoneLookup,
): RecordsView {
  const byName = new Map<string, CfRecord[]>();
  for (const r of records) {
    if (!MANAGED_TYPES.includes(r.type)) continue;
    const n = normaliseName(r.name);
    byName.set(n, [...(byName.get(n) ?? []), r]);
  }
  const query = new Set(queryNames.map(normaliseName));
  const sets: RecordSet[] = [];
  const ours = new Set<string>();
  for (const [name, recs] of byName) {
    const own = nameOwnership(recs, owner);
    if (own.kind === 'ours') {
      ours.add(name);
      sets.push(markerRecord(name, owner));
    } else if (own.kind === 'foreign') {
      sets.push(markerRecord(name, own.owner));
    }
    if (own.kind !== 'ours' && !query.has(name)) continue;
    const byType = new Map<string, CfRecord[]>();
    for (const r of recs) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    for (const [type, rs] of byType) sets.push(toSet(name, type, rs, lookup));
  }
  return { sets: sortRecords(sets), byName, ours };
}
