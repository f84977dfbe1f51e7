// From the records of an AXFR to what the planner sees: RRsets by name and type (with their decoded
// data, kept for exact prerequisites), then the logical records (weighted sets restored from our
// markers when the published RRset still matches them); records() selects from those with
// providers/select-records.ts.
import {
  isMarkerName,
  markedName,
  markerOwner,
  normaliseName,
  normaliseValue,
  RECORD_TYPES,
  type RecordSet,
  type RecordType,
} from '../../src/model/index.ts';
import { decodeSet, isSetValue, publishedValues, type StoredSet } from './weighted-state.ts';
import { type DecodedRR, valueText } from './wire.ts';

export interface RawRRset {
  name: string;
  type: RecordType;
  ttl: number;
  /** Normalised text values, one per RR. */
  values: string[];
  /** The RRs' data as decoded, re-encoded as-is for value-dependent prerequisites. */
  data: unknown[];
}

/** The zone as transferred: `name type` → RRset. */
export type Snapshot = Map<string, RawRRset>;

export function rrsetKey(name: string, type: string): string {
  return `${name} ${type}`;
}

const MODEL_TYPES = new Set<string>(RECORD_TYPES);

/** Groups transferred records into RRsets; types outside our model (MX, SRV, ...) are kept by type only. */
export function snapshotOf(records: readonly DecodedRR[]): Snapshot {
  const out: Snapshot = new Map();
  for (const rr of records) {
    const name = normaliseName(rr.name);
    const key = rrsetKey(name, rr.type);
    let set = out.get(key);
    if (!set) {
      set = { name, type: rr.type as RecordType, ttl: rr.ttl ?? 0, values: [], data: [] };
      out.set(key, set);
    }
    const text = MODEL_TYPES.has(rr.type) ? valueText(rr.type, rr.data) : undefined;
    const value = text === undefined ? '' : normaliseValue(rr.type as RecordType, text);
    // An AXFR ends with the SOA it began with: keep one copy.
    if (rr.type === 'SOA' && set.data.length > 0) continue;
    set.values.push(value);
    set.data.push(rr.data);
    set.ttl = Math.min(set.ttl, rr.ttl ?? set.ttl);
  }
  return out;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Every record of the zone as the planner models it. Under a marker naming `owner`, the `w=` strings
 * are weighted sets: they stand for the name's RRset of that type only while that RRset publishes
 * exactly their values (else the RRset is shown as it is, a plain record the plan will replace).
 */
export function logicalRecords(snapshot: Snapshot, owner: string): RecordSet[] {
  const sets = new Map<string, StoredSet[]>();
  const out: RecordSet[] = [];
  for (const s of snapshot.values()) {
    if (!isMarkerName(s.name) || s.type !== 'TXT') continue;
    const marker: RecordSet = { name: s.name, type: 'TXT', ttl: s.ttl, values: [...s.values].sort() };
    if (markerOwner(marker) === owner) {
      const name = markedName(s.name);
      for (const v of s.values) {
        const d = isSetValue(v) ? decodeSet(v) : undefined;
        if (!d) continue;
        const key = rrsetKey(name, d.type);
        sets.set(key, [...(sets.get(key) ?? []), d]);
      }
      marker.values = marker.values.filter((v) => !isSetValue(v));
    }
    out.push(marker);
  }
  for (const s of snapshot.values()) {
    if (!MODEL_TYPES.has(s.type) || (isMarkerName(s.name) && s.type === 'TXT')) continue;
    const stored = sets.get(rrsetKey(s.name, s.type));
    if (stored && sameValues(publishedValues(stored), s.values)) {
      for (const d of stored)
        out.push({
          name: s.name,
          type: s.type,
          setId: d.setId,
          weight: d.weight,
          ttl: s.ttl,
          values: [...d.values].sort(),
        });
    } else {
      out.push({ name: s.name, type: s.type, ttl: s.ttl, values: [...new Set(s.values)].sort() });
    }
  }
  return out;
}

/** Types outside our model (MX, SRV, ...) by the name holding them. */
export function otherTypesByName(snapshot: Snapshot): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of snapshot.values())
    if (!MODEL_TYPES.has(s.type)) out.set(s.name, [...(out.get(s.name) ?? []), s.type]);
  return out;
}
