// A geo rule's identity at the provider: its set id (`continent-eu`, `country-us-ca`, `default`) and
// the location its record carries, both from the rule's match. Here, beside the record types, so
// provider definitions can name sets without loading the policy code.
import type { GeoLocation } from './record.ts';

/** A stable set id for a rule's match (config's GeoRuleConfig['match'] has this shape): it names the set at the provider, so it must not depend on rule order. */
export function geoSetId(match: GeoLocation): string {
  if (match === 'default') return 'default';
  const parts: string[] = [];
  if (match.continent) parts.push(`continent-${match.continent}`);
  if (match.country)
    parts.push(`country-${match.country}${match.subdivision ? `-${match.subdivision}` : ''}`);
  else if (match.subdivision) parts.push(`subdivision-${match.subdivision}`);
  return parts.join('-').toLowerCase();
}

export function geoLocation(match: GeoLocation): GeoLocation {
  if (match === 'default') return 'default';
  const geo: Exclude<GeoLocation, 'default'> = {};
  if (match.continent) geo.continent = match.continent;
  if (match.country) geo.country = match.country;
  if (match.subdivision) geo.subdivision = match.subdivision;
  return geo;
}
