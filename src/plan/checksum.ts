// The plan checksum: sha256 over a canonical form of the changes only (kind, before, after). Reason
// text, timestamps and evidence are left out, so `apply --checksum` matches any re-plan of the same
// changes; key order, value order and change order do not matter either.
import { createHash } from 'node:crypto';
import { type Change, normaliseRecord, type RecordSet } from '../model/index.ts';

function canonicalRecord(r: RecordSet | undefined): unknown {
  if (r === undefined) return null;
  const n = normaliseRecord(r);
  const geo =
    n.geo === undefined
      ? null
      : n.geo === 'default'
        ? 'default'
        : [n.geo.continent ?? null, n.geo.country ?? null, n.geo.subdivision ?? null];
  return [n.name, n.type, n.setId ?? null, n.ttl, n.values, n.weight ?? null, geo];
}

export function canonicalChange(c: Change): string {
  return JSON.stringify([c.kind, canonicalRecord(c.before), canonicalRecord(c.after)]);
}

function sha256(lines: readonly string[]): string {
  const h = createHash('sha256');
  for (const l of lines) h.update(`${l}\n`);
  return h.digest('hex');
}

export function planChecksum(changes: readonly Change[]): string {
  return sha256(changes.map(canonicalChange).sort());
}

/** Over every zone with changes: zone and provider, then that zone's checksum; zone order does not matter. */
export function zonesChecksum(
  zones: readonly { zone: string; provider: string; checksum: string; changes: readonly Change[] }[],
): string {
  return sha256(
    zones
      .filter((z) => z.changes.length > 0)
      .map((z) => JSON.stringify([z.zone, z.provider, z.checksum]))
      .sort(),
  );
}
