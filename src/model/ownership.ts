// Ownership markers: the TXT record `_geofailover.<name>` holding `owner=<id>` marks a name as ours.
// A prefixed name, so a user's own TXT records at the managed name itself are never touched.
import { normaliseName } from './normalise.ts';
import type { RecordSet } from './record.ts';

export const MARKER_PREFIX = '_geofailover.';
export const MARKER_TTL = 300;

export function markerName(name: string): string {
  return normaliseName(`${MARKER_PREFIX}${normaliseName(name)}`);
}

export function isMarkerName(name: string): boolean {
  return normaliseName(name).startsWith(MARKER_PREFIX);
}

/** The managed name a marker stands for. */
export function markedName(marker: string): string {
  return normaliseName(normaliseName(marker).slice(MARKER_PREFIX.length));
}

export function markerValue(owner: string): string {
  return `owner=${owner}`;
}

/** The owner id a marker record names, or undefined when it holds no `owner=` value. */
export function markerOwner(r: RecordSet): string | undefined {
  for (const v of r.values) {
    const m = /^"?owner=([^"\s]+)"?$/.exec(v);
    if (m) return m[1];
  }
  return undefined;
}

export function markerRecord(name: string, owner: string): RecordSet {
  return { name: markerName(name), type: 'TXT', ttl: MARKER_TTL, values: [markerValue(owner)] };
}
