// Rejects, before any API call, what Route 53 would reject, so a bad record fails alone with its
// name instead of failing a whole batch.
import {
  type Change,
  InvalidChangeError,
  inZone,
  keyId,
  normaliseName,
  type RecordSet,
} from '../../src/model/index.ts';

export const CONTINENTS = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;
export const LIMITS = {
  maxWeight: 255,
  maxWeightedPerName: 100,
  maxGeoPerName: 100,
  maxSetIdLength: 128,
  maxValuesPerRecord: 400,
  maxTtl: 2_147_483_647,
  maxTxtStringLength: 255,
} as const;

const MANAGED_TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT']);

function fail(
  zone: string,
  r: RecordSet,
  what: string,
  extra: { value?: unknown; limit?: unknown; remedy: string },
) {
  return new InvalidChangeError(`route53: record ${keyId(r)} in zone ${normaliseName(zone)}: ${what}`, {
    zone: normaliseName(zone),
    record: keyId(r),
    provider: 'route53',
    ...extra,
  });
}

/** Checks one record Route 53 is asked to create. Throws InvalidChangeError naming the record. */
export function validateRecord(zone: string, r: RecordSet): void {
  if (!inZone(r.name, zone))
    throw fail(zone, r, 'the name is outside the zone', {
      value: r.name,
      remedy: 'move the record to its zone',
    });
  if (!MANAGED_TYPES.has(r.type))
    throw fail(zone, r, `type ${r.type} is never written by geofailover`, {
      value: r.type,
      remedy: 'manage NS and SOA records by hand',
    });
  if (!Number.isInteger(r.ttl) || r.ttl < 0 || r.ttl > LIMITS.maxTtl)
    throw fail(zone, r, `TTL ${r.ttl} is out of range`, {
      value: r.ttl,
      limit: `0..${LIMITS.maxTtl}`,
      remedy: 'use a whole number of seconds',
    });
  if (r.values.length === 0)
    throw fail(zone, r, 'it has no values (Route 53 never publishes an empty answer)', {
      remedy: 'give the record at least one value',
    });
  if (r.values.length > LIMITS.maxValuesPerRecord)
    throw fail(zone, r, `${r.values.length} values exceed the per-record limit`, {
      value: r.values.length,
      limit: LIMITS.maxValuesPerRecord,
      remedy: 'publish fewer endpoints per region',
    });
  if (r.alias && (r.values.length !== 1 || (r.type !== 'A' && r.type !== 'AAAA')))
    throw fail(zone, r, 'an alias is an A or AAAA record with exactly one target', {
      value: r.values,
      remedy: 'give the alias endpoint one DNS name and use it in A/AAAA records',
    });
  if (r.type === 'CNAME' && r.values.length > 1)
    throw fail(zone, r, 'a CNAME holds exactly one value', {
      value: r.values.length,
      remedy: 'use A/AAAA records for several endpoints',
    });
  if (r.type === 'CNAME' && normaliseName(r.name) === normaliseName(zone))
    throw fail(zone, r, 'a CNAME cannot sit at the zone apex', {
      remedy: 'use an alias (endpoints[].alias) or A/AAAA records at the apex',
    });
  if (r.type === 'TXT') {
    const long = r.values.find((v) => v.length > LIMITS.maxTxtStringLength);
    if (long !== undefined)
      throw fail(zone, r, 'a TXT string is longer than 255 characters', {
        value: long.length,
        limit: LIMITS.maxTxtStringLength,
        remedy: 'shorten the value',
      });
  }
  const routed = r.weight !== undefined || r.geo !== undefined;
  if (r.weight !== undefined && r.geo !== undefined)
    throw fail(zone, r, 'a record is either weighted or geolocation, not both', {
      remedy: 'drop the weight or the geo match',
    });
  if (routed && (r.setId === undefined || r.setId.length === 0))
    throw fail(zone, r, 'a weighted or geolocation record needs a set identifier', {
      remedy: 'this is a planner bug: report it',
    });
  if (!routed && r.setId !== undefined)
    throw fail(zone, r, 'a set identifier without a weight or geo match', {
      value: r.setId,
      remedy: 'this is a planner bug: report it',
    });
  if (r.setId !== undefined && r.setId.length > LIMITS.maxSetIdLength)
    throw fail(zone, r, `set identifier is ${r.setId.length} characters long`, {
      value: r.setId,
      limit: LIMITS.maxSetIdLength,
      remedy: 'use shorter region ids or rule names',
    });
  if (r.weight !== undefined && (!Number.isInteger(r.weight) || r.weight < 0 || r.weight > LIMITS.maxWeight))
    throw fail(zone, r, `weight ${r.weight} is out of range`, {
      value: r.weight,
      limit: `0..${LIMITS.maxWeight}`,
      remedy: 'scale the weights to 0-255',
    });
  if (r.geo !== undefined && r.geo !== 'default') validateGeo(zone, r, r.geo);
}

function validateGeo(
  zone: string,
  r: RecordSet,
  g: { continent?: string; country?: string; subdivision?: string },
) {
  if (g.continent !== undefined && (g.country !== undefined || g.subdivision !== undefined))
    throw fail(zone, r, 'a geolocation has a continent or a country, not both', {
      value: g,
      remedy: 'split the rule into a continent rule and a country rule',
    });
  if (g.continent !== undefined && !(CONTINENTS as readonly string[]).includes(g.continent))
    throw fail(zone, r, `unknown continent code ${g.continent}`, {
      value: g.continent,
      limit: CONTINENTS.join(' '),
      remedy: 'use one of the seven continent codes',
    });
  if (g.continent === undefined && g.country === undefined)
    throw fail(zone, r, 'a geolocation needs a continent or a country', {
      value: g,
      remedy: 'use `match: default` for the catch-all rule',
    });
  if (g.country !== undefined && !/^[A-Z]{2}$/.test(g.country))
    throw fail(zone, r, `country code ${g.country} is not ISO 3166-1 alpha-2`, {
      value: g.country,
      remedy: 'use a two-letter country code such as DE',
    });
  if (g.subdivision !== undefined && g.country !== 'US')
    throw fail(zone, r, `subdivision ${g.subdivision} outside the US (Route 53 knows US states only)`, {
      value: g,
      remedy: 'drop the subdivision or use country US',
    });
}

/** Checks a name+type group as it will stand: weighted count, one TTL per weighted group, no mixing. */
export function validateGroup(zone: string, records: readonly RecordSet[]): void {
  const groups = new Map<string, RecordSet[]>();
  for (const r of records) {
    const k = `${normaliseName(r.name)} ${r.type}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    const weighted = group.filter((r) => r.weight !== undefined);
    const geo = group.filter((r) => r.geo !== undefined);
    const simple = group.filter((r) => r.setId === undefined);
    if (weighted.length > LIMITS.maxWeightedPerName)
      throw fail(zone, first, `${weighted.length} weighted records at one name`, {
        value: weighted.length,
        limit: LIMITS.maxWeightedPerName,
        remedy: 'use fewer regions for this record',
      });
    if (geo.length > LIMITS.maxGeoPerName)
      throw fail(zone, first, `${geo.length} geolocation records at one name`, {
        value: geo.length,
        limit: LIMITS.maxGeoPerName,
        remedy: 'use fewer geo rules',
      });
    // Aliases have no TTL of their own, so only the others must agree.
    const ttls = new Set(weighted.filter((r) => !r.alias).map((r) => r.ttl));
    if (ttls.size > 1)
      throw fail(zone, first, `weighted records at one name have different TTLs (${[...ttls].join(', ')})`, {
        value: [...ttls],
        remedy: 'give every weighted record of a name the same TTL',
      });
    const kinds = [weighted.length > 0, geo.length > 0, simple.length > 0].filter(Boolean).length;
    if (kinds > 1)
      throw fail(zone, first, 'simple, weighted and geolocation records are mixed at one name and type', {
        remedy: 'use one policy per record name and type',
      });
    if (simple.length > 1)
      throw fail(zone, first, 'more than one simple record set at one name and type', {
        value: simple.length,
        remedy: 'this is a planner bug: report it',
      });
    const ids = new Set<string>();
    for (const r of group) {
      if (r.setId === undefined) continue;
      if (ids.has(r.setId))
        throw fail(zone, r, `set identifier ${r.setId} is used twice`, {
          value: r.setId,
          remedy: 'this is a planner bug: report it',
        });
      ids.add(r.setId);
    }
  }
}

/**
 * Validates a change set: every record to be written, and each touched name+type group as far as
 * the changes show it (the records written). Deletes need only a `before`.
 */
export function validateChanges(zone: string, changes: readonly Change[]): void {
  const written: RecordSet[] = [];
  for (const c of changes) {
    if ((c.kind === 'update' || c.kind === 'delete') && !c.before)
      throw new InvalidChangeError(
        `route53: a ${c.kind} in zone ${normaliseName(zone)} has no \`before\` record`,
        {
          zone: normaliseName(zone),
          provider: 'route53',
          remedy:
            'updates and deletes must carry the exact record read (compare-and-swap); this is a planner bug',
        },
      );
    if ((c.kind === 'update' || c.kind === 'create') && !c.after)
      throw new InvalidChangeError(
        `route53: a ${c.kind} in zone ${normaliseName(zone)} has no \`after\` record`,
        {
          zone: normaliseName(zone),
          provider: 'route53',
          remedy: 'this is a planner bug: report it',
        },
      );
    if (c.after) {
      validateRecord(zone, c.after);
      written.push(c.after);
    }
  }
  validateGroup(zone, written);
}
