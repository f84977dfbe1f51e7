// Maps between our RecordSets and Cloud DNS ResourceRecordSets. One Cloud DNS set per name and type
// holds either plain rrdatas or a routing policy (wrr or geo) whose items are our setId members.
// Reading is strict: what we cannot express (primaryBackup, health-checked items, DNSSEC signatures
// on managed types) is reported, never guessed.
import {
  normaliseName,
  normaliseRecord,
  RECORD_TYPES,
  type RecordSet,
  type RecordType,
} from '../../src/model/index.ts';
import type { Labels } from './labels.ts';

export interface WireItem {
  weight?: number;
  location?: string;
  rrdatas?: string[];
  signatureRrdatas?: string[];
  healthCheckedTargets?: unknown;
}

export interface WireRrset {
  kind?: string;
  name: string;
  type: string;
  ttl?: number;
  rrdatas?: string[];
  signatureRrdatas?: string[];
  routingPolicy?: {
    kind?: string;
    wrr?: { kind?: string; items?: WireItem[] };
    geo?: { kind?: string; items?: WireItem[]; enableFencing?: boolean };
    primaryBackup?: unknown;
    healthCheck?: string;
  };
}

export type ReadResult =
  | { ok: true; records: RecordSet[] }
  | { ok: false; name: string; type: string; why: string };

/** TXT values travel as quoted character-strings; `"` and `\` are escaped inside. */
export function quoteTxt(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Quoted character-strings back to text; several (`"a" "b"`) are joined as DNS does. */
export function unquoteTxt(wire: string): string {
  const parts = [...wire.matchAll(/"((?:[^"\\]|\\.)*)"/g)];
  if (parts.length === 0) return wire;
  return parts.map((m) => m[1]!.replace(/\\(.)/g, '$1')).join('');
}

function valuesOf(type: RecordType, rrdatas: readonly string[] | undefined): string[] {
  return (rrdatas ?? []).map((v) => (type === 'TXT' ? unquoteTxt(v) : v));
}

function datasOf(r: RecordSet): string[] {
  return r.values.map((v) => (r.type === 'TXT' ? quoteTxt(v) : v));
}

/** Reads one Cloud DNS set as our records: one plain record, or one per routing-policy item. */
export function fromWire(rr: WireRrset, labels: Labels): ReadResult {
  const name = normaliseName(rr.name);
  const type = rr.type;
  const fail = (why: string): ReadResult => ({ ok: false, name, type, why });
  if (!(RECORD_TYPES as readonly string[]).includes(type))
    return fail(`type ${type} is not one geofailover manages`);
  const t = type as RecordType;
  if (rr.ttl === undefined) return fail('it has no TTL');
  const rp = rr.routingPolicy;
  if (!rp) {
    if (!rr.rrdatas?.length) return fail('it has no values');
    return {
      ok: true,
      records: [normaliseRecord({ name, type: t, ttl: rr.ttl, values: valuesOf(t, rr.rrdatas) })],
    };
  }
  if (rp.primaryBackup) return fail('it uses a primaryBackup (failover) routing policy');
  if (rp.healthCheck) return fail(`it has a Cloud DNS health check (${rp.healthCheck})`);
  const items = rp.wrr?.items ?? rp.geo?.items ?? [];
  if (items.some((i) => i.healthCheckedTargets !== undefined))
    return fail('its routing policy uses health-checked targets');
  if (items.some((i) => !i.rrdatas?.length)) return fail('a routing policy item has no values');
  const label = labels(name, t);
  if (rp.wrr) {
    const ids = label?.weighted?.length === items.length ? label.weighted : undefined;
    return {
      ok: true,
      records: items.map((item, i) =>
        normaliseRecord({
          name,
          type: t,
          ttl: rr.ttl!,
          setId: ids ? ids[i]! : `wrr-${i}`,
          weight: item.weight ?? 0,
          values: valuesOf(t, item.rrdatas),
        }),
      ),
    };
  }
  if (rp.geo) {
    if (rp.geo.enableFencing) return fail('its geo routing policy uses fencing');
    return {
      ok: true,
      records: items.map((item) => {
        const rule = label?.geo?.get(item.location ?? '');
        const rec: RecordSet = {
          name,
          type: t,
          ttl: rr.ttl!,
          setId: rule?.setId ?? `location-${item.location}`,
          values: valuesOf(t, item.rrdatas),
        };
        if (rule) rec.geo = rule.geo;
        return normaliseRecord(rec);
      }),
    };
  }
  return fail('it has a routing policy geofailover does not know');
}

/** Why a group of members (one name and type) cannot be one Cloud DNS set, or undefined. */
export function groupProblem(
  members: readonly RecordSet[],
  geoLocations: Record<string, string>,
): string | undefined {
  const routed = members.filter((m) => m.setId !== undefined);
  if (routed.length > 0 && routed.length < members.length)
    return 'plain and routed records at one name and type (Cloud DNS holds one set per name and type)';
  if (routed.length === 0)
    return members.length > 1 ? 'two plain record sets at one name and type' : undefined;
  const weighted = routed.filter((m) => m.geo === undefined);
  if (weighted.length > 0 && weighted.length < routed.length)
    return 'weighted and geo members at one name and type';
  if (weighted.length > 0 && weighted.some((m) => m.weight === undefined))
    return 'a member with a set id but neither weight nor geo';
  if (new Set(members.map((m) => m.ttl)).size > 1)
    return `members with different TTLs (${[...new Set(members.map((m) => m.ttl))].join(', ')}); Cloud DNS has one TTL per set`;
  for (const m of routed.filter((r) => r.geo !== undefined))
    if (!geoLocations[m.setId!]) return `geo rule "${m.setId}" has no GCP location in geoLocations`;
  return undefined;
}

/** Writes the members of one name and type as one Cloud DNS set (call groupProblem first). */
export function toWire(members: readonly RecordSet[], geoLocations: Record<string, string>): WireRrset {
  const first = members[0]!;
  const base = {
    kind: 'dns#resourceRecordSet',
    name: normaliseName(first.name),
    type: first.type,
    ttl: first.ttl,
  };
  if (first.setId === undefined) return { ...base, rrdatas: datasOf(first) };
  const sorted = [...members].sort((a, b) => (a.setId! < b.setId! ? -1 : a.setId! > b.setId! ? 1 : 0));
  if (first.geo !== undefined)
    return {
      ...base,
      routingPolicy: {
        geo: {
          items: sorted
            .map((m) => ({ location: geoLocations[m.setId!]!, rrdatas: datasOf(m) }))
            .sort((a, b) => (a.location < b.location ? -1 : 1)),
        },
      },
    };
  return {
    ...base,
    routingPolicy: { wrr: { items: sorted.map((m) => ({ weight: m.weight ?? 0, rrdatas: datasOf(m) })) } },
  };
}
