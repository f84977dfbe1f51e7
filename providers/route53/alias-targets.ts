// Alias targets inside the zone's own hosted zone must exist: Route 53 refuses an alias to a missing
// record ("that target was not found") and fails the whole batch. Checked before the first write
// against the zone as listed plus what the change set itself creates, so the refusal names the record.
import {
  type Change,
  InvalidChangeError,
  keyId,
  normaliseName,
  type RecordSet,
} from '../../src/model/index.ts';
import type { ReadResult } from './mapping.ts';

/** Changes writing an alias into the hosted zone `hostedZoneId` itself (the ones that need a target here). */
export function inZoneAliases(changes: readonly Change[], hostedZoneId: string): RecordSet[] {
  return changes
    .filter((c) => c.kind !== 'delete' && c.after?.alias?.hostedZoneId === hostedZoneId)
    .map((c) => c.after!);
}

/** Throws InvalidChangeError for the first alias whose target name+type neither exists nor is created. */
export function checkAliasTargets(
  zone: string,
  aliases: readonly RecordSet[],
  listed: readonly ReadResult[],
  changes: readonly Change[],
): void {
  const key = (name: string, type: string) => `${normaliseName(name)} ${type}`;
  const present = new Set<string>();
  for (const r of listed) present.add(r.ok ? key(r.record.name, r.record.type) : key(r.name, r.type));
  // Creates and updates leave their name+type in the zone. (A target this same change set deletes
  // entirely is not caught here; Route 53 then refuses the batch.)
  for (const c of changes) if (c.after) present.add(key(c.after.name, c.after.type));
  for (const a of aliases) {
    const target = normaliseName(a.values[0] ?? '');
    if (!present.has(key(target, a.type))) {
      throw new InvalidChangeError(
        `route53: alias ${keyId(a)} in zone ${normaliseName(zone)} targets ${target} (${a.type}), which is not in the zone and not defined in config`,
        {
          zone: normaliseName(zone),
          record: keyId(a),
          provider: 'route53',
          value: target,
          remedy: `define ${target} ${a.type} as a record in config (or create it in the zone), or point the alias at the load balancer's own hosted zone id`,
        },
      );
    }
  }
}
