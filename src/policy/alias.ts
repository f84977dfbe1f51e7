// Alias answers (Route 53 AliasTarget): an endpoint with `alias` publishes its address, a load
// balancer's or another record's DNS name, as an alias in A/AAAA records. An alias holds one target,
// so a set whose values are alias endpoints keeps the first (config order among the UP ones, as a
// CNAME does), and it has no TTL of its own (ttl 0: resolvers get the target's).
import type { Config } from '../config/index.ts';
import { type AliasTarget, normaliseName, type RecordSet } from '../model/index.ts';

/** Alias endpoints by their normalised target name. */
export function aliasTargets(config: Config): Map<string, AliasTarget> {
  const out = new Map<string, AliasTarget>();
  for (const r of config.regions) {
    for (const e of r.endpoints) {
      if (e.alias && e.address !== undefined) out.set(normaliseName(e.address), { ...e.alias });
    }
  }
  return out;
}

/** The record as an alias when its first value is an alias endpoint's name; otherwise unchanged. */
export function asAlias(record: RecordSet, aliases: ReadonlyMap<string, AliasTarget>): RecordSet {
  if (aliases.size === 0 || (record.type !== 'A' && record.type !== 'AAAA')) return record;
  const first = record.values[0];
  const target = first === undefined ? undefined : aliases.get(normaliseName(first));
  if (!target) return record;
  return { ...record, ttl: 0, values: [normaliseName(first!)], alias: { ...target } };
}
