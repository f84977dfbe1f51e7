// Cross checks of `fallback` (record, zone or whole config): every region it names exists, a list adds
// a region to at least one rule or order it applies to (else it changes nothing and was a mistake),
// and the zone's providers can publish an answer from outside a rule's own regions.
import { policyDefinitionOf } from '../policy/kinds/index.ts';
import { fallbackText, providersWithoutFallback, recordFallback } from './fallback.ts';
import type { Problem } from './problem.ts';
import type { Config, FallbackConfig, RecordConfig, ZoneConfig } from './schema.ts';

/**
 * The region lists a record answers from before any fallback, one per rule or order, each with the
 * regions it falls through to first (its policy definition's chains).
 */
export function ownChains(rec: Pick<RecordConfig, 'policy'>): string[][] {
  return policyDefinitionOf(rec.policy.kind)
    .chains(rec.policy)
    .map((c) => [...c.own, ...c.fallsTo]);
}

/** True when a fallback list names no region outside any of the record's chains. */
function addsNothing(list: readonly string[], rec: RecordConfig): boolean {
  return ownChains(rec).every((chain) => list.every((r) => chain.includes(r)));
}

type Level = { at: (string | number)[]; fallback: FallbackConfig; scope: 'record' | 'zone' | 'config' };

export function crossCheckFallback(config: Config): Problem[] {
  const problems: Problem[] = [];
  const add = (at: (string | number)[], message: string) => problems.push({ at, path: '', message });
  const known = config.regions.map((r) => r.id);

  // Where each fallback is written, with the records that follow it.
  const levels: { level: Level; records: RecordConfig[]; zones: ZoneConfig[] }[] = [];
  const follows = (zone: ZoneConfig, rec: RecordConfig) => recordFallback(config, zone, rec).from;
  if (config.fallback !== undefined) {
    levels.push({
      level: { at: ['fallback'], fallback: config.fallback, scope: 'config' },
      zones: config.zones,
      records: config.zones.flatMap((z) => z.records.filter((r) => follows(z, r) === 'config')),
    });
  }
  config.zones.forEach((zone, zi) => {
    if (zone.fallback !== undefined)
      levels.push({
        level: { at: ['zones', zi, 'fallback'], fallback: zone.fallback, scope: 'zone' },
        zones: [zone],
        records: zone.records.filter((r) => follows(zone, r) === 'zone'),
      });
    zone.records.forEach((rec, ri) => {
      if (rec.fallback !== undefined)
        levels.push({
          level: { at: ['zones', zi, 'records', ri, 'fallback'], fallback: rec.fallback, scope: 'record' },
          zones: [zone],
          records: [rec],
        });
    });
  });

  for (const { level, records, zones } of levels) {
    const f = level.fallback;
    if (Array.isArray(f)) {
      let unknown = false;
      f.forEach((region, i) => {
        if (known.includes(region)) {
          if (f.indexOf(region) !== i) add([...level.at, i], `region "${region}" is named twice`);
          return;
        }
        unknown = true;
        add([...level.at, i], `unknown region "${region}"; known: ${known.join(', ')}`);
      });
      if (!unknown && records.length > 0 && records.every((r) => addsNothing(f, r))) {
        const own = [...new Set(records.flatMap((r) => ownChains(r).flat()))];
        const others = known.filter((r) => !own.includes(r));
        const whose =
          records.length === 1
            ? `record ${records[0]!.name} ${records[0]!.type} already answers`
            : `the ${records.length} records that follow it already answer`;
        add(
          level.at,
          `fallback ${fallbackText(f)} names only regions ${whose} from (${own.join(', ')}), so it changes no answer; ${others.length > 0 ? `name a region outside them (${others.join(', ')}), ` : ''}write any-up, or remove it`,
        );
      }
    }
    if (f === 'none') continue;
    // Only where it is written: a zone that writes `none` over a config-wide any-up is fine.
    const blocked = zones.filter(
      (z) =>
        providersWithoutFallback(config, z).length > 0 &&
        (level.scope !== 'config' || z.records.some((r) => follows(z, r) === 'config')) &&
        (level.scope !== 'zone' || z.records.some((r) => follows(z, r) === 'zone')),
    );
    for (const zone of blocked) {
      for (const id of providersWithoutFallback(config, zone)) {
        const cfg = config.providers[id]!;
        const mode = 'mode' in cfg ? `, mode ${String(cfg.mode)}` : '';
        const instead =
          level.scope === 'config'
            ? `write fallback: none on zone ${zone.name}`
            : `remove it (records there default to none)`;
        add(
          level.at,
          `fallback ${fallbackText(f)} cannot be expressed on provider "${id}" (${cfg.kind}${mode}) of zone ${zone.name}: it answers only from the regions a rule names (then its own fallback pool), never from a region chosen when they are down; ${instead}, or put the zone on a provider that publishes the chosen answer (builtin, route53)`,
        );
      }
    }
  }
  return problems;
}
