// Geo policy: one record set per rule (setId from the match, e.g. `continent-eu`, `country-us-ca`,
// `default`) carrying the UP endpoints of the rule's first UP region. A rule none of whose regions is
// UP falls through to the default rule's regions, then the record's fallback (last-resort.ts).
import type { GeoRuleConfig, PolicyConfig, RecordConfig } from '../config/index.ts';
import type { GeoLocation, ManagedRecordType, RecordSet } from '../model/index.ts';
import { answeredBy, orderedAnswer } from './answer.ts';
import { type LastResort, resortStages } from './last-resort.ts';
import type { RegionView } from './regions.ts';
import type { DesiredRecord } from './types.ts';

type GeoPolicy = Extract<PolicyConfig, { kind: 'geo' }>;

/** A stable set id for a rule's match: it names the set at the provider, so it must not depend on rule order. */
export function geoSetId(match: GeoRuleConfig['match']): string {
  if (match === 'default') return 'default';
  const parts: string[] = [];
  if (match.continent) parts.push(`continent-${match.continent}`);
  if (match.country)
    parts.push(`country-${match.country}${match.subdivision ? `-${match.subdivision}` : ''}`);
  else if (match.subdivision) parts.push(`subdivision-${match.subdivision}`);
  return parts.join('-').toLowerCase();
}

export function geoLocation(match: GeoRuleConfig['match']): GeoLocation {
  if (match === 'default') return 'default';
  const geo: Exclude<GeoLocation, 'default'> = {};
  if (match.continent) geo.continent = match.continent;
  if (match.country) geo.country = match.country;
  if (match.subdivision) geo.subdivision = match.subdivision;
  return geo;
}

export function geoRecords(
  rec: RecordConfig,
  policy: GeoPolicy,
  view: (region: string) => RegionView,
  current: (setId: string | undefined) => RecordSet | undefined,
  lr: LastResort,
): DesiredRecord[] {
  const type = rec.type as ManagedRecordType;
  const defaults = policy.rules.find((r) => r.match === 'default')?.regions;
  return policy.rules.map((rule, i) => {
    const setId = geoSetId(rule.match);
    const scope = `of rule ${setId} [${rule.regions.join(', ')}]`;
    const stages = resortStages(lr, rule.regions, rule.match === 'default' ? undefined : defaults);
    const answer = orderedAnswer(rule.regions.map(view), type, policy.whenAllDown, current(setId), scope, {
      stages,
      fallback: lr.fallback,
    });
    return {
      record: {
        name: rec.name,
        type,
        setId,
        ttl: rec.ttl,
        values: answer.values,
        geo: geoLocation(rule.match),
      },
      reason: answer.reason,
      explanation: answer.explanation,
      source: { name: rec.name, type: rec.type, policy: 'geo', rule: i },
      answeredBy: answeredBy(answer),
    };
  });
}
