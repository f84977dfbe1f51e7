// Weighted sets on a server without weights. Standard DNS publishes one RRset per name and type, so
// a weighted policy becomes the round-robin RRset of the values of every set with weight > 0 (all
// sets when none has). The sets themselves (set id, weight, values) are kept in the name's ownership
// marker TXT as one `w=` string each, written in the same UPDATE as the RRset, so a re-read gives the
// planner back exactly what it wrote and a re-plan finds zero changes.
import type { RecordSet } from '../../src/model/index.ts';

export const SET_PREFIX = 'w=';

export interface StoredSet {
  type: string;
  setId: string;
  weight: number;
  values: string[];
}

export function isSetValue(v: string): boolean {
  return v.startsWith(SET_PREFIX);
}

export function encodeSet(r: RecordSet): string {
  return `${SET_PREFIX}${r.type}:${encodeURIComponent(r.setId ?? '')}:${r.weight ?? 0}:${r.values.join(',')}`;
}

export function decodeSet(v: string): StoredSet | undefined {
  const m = /^w=([A-Z]+):([^:]*):(\d+):(.*)$/.exec(v);
  if (!m) return undefined;
  const values = m[4]!.split(',').filter((x) => x.length > 0);
  if (values.length === 0) return undefined;
  return { type: m[1]!, setId: decodeURIComponent(m[2]!), weight: Number(m[3]), values };
}

/** The values a group of weighted sets publishes: those with weight > 0, or every set's when none has. */
export function publishedValues(
  sets: readonly { weight?: number | undefined; values: readonly string[] }[],
): string[] {
  const live = sets.filter((s) => (s.weight ?? 0) > 0);
  return [...new Set((live.length > 0 ? live : sets).flatMap((s) => s.values))].sort();
}
