// Traffic features a record needs from its zone's provider beyond what its policy kind needs (endpoint
// weights and the failback ramp, as the kind's definition says; a CNAME at the apex; aliases), checked
// against the provider's capability declaration: an error naming what to do instead, never a degrade.
import { hasFeature, type ProviderCapabilities } from '../../providers/registry/index.ts';
import {
  addressFor,
  familyName,
  familyOfType,
  inZone,
  normaliseName,
  probedPerFamily,
} from '../model/index.ts';
import { type FeatureNeed, policyDefinitionOf, policyRegions } from '../policy/kinds/index.ts';
import type { Config, RecordConfig, ZoneConfig } from './schema.ts';

const WEIGHTING = 'route53 or builtin';

/** What validate says when the provider lacks a feature a record needs (WEIGHTING names who has them). */
function needMessage(need: FeatureNeed, rec: RecordConfig, zone: ZoneConfig, where: string): string {
  const eps = (need.endpoints ?? []).map((e) => `${e.id}: ${e.weight}`).join(', ');
  switch (need.feature) {
    case 'endpointWeights':
      return `region "${need.region}" weights its endpoints unequally (${eps}), but ${where} cannot weight single endpoints; give them equal weights or put zone ${zone.name} on ${WEIGHTING}`;
    case 'rampedEndpointWeights':
      return `region "${need.region}" weights its endpoints unequally and health.failbackRamp is set, but ${where} can ramp only whole regions; give the endpoints equal weights, or put zone ${zone.name} on ${WEIGHTING}`;
    case 'failbackRamp':
      return `health.failbackRamp is set, but ${where} cannot publish the changing weights a ramp needs for this ${rec.policy.kind} record; remove health.failbackRamp or put zone ${zone.name} on ${WEIGHTING}`;
    default:
      return `this ${rec.policy.kind} record needs ${need.feature}, which ${where} cannot publish; put zone ${zone.name} on a provider that declares it`;
  }
}

export function featureProblems(
  config: Config,
  zone: ZoneConfig,
  rec: RecordConfig,
  features: ProviderCapabilities,
  where: string,
): { at: (string | number)[]; message: string }[] {
  const out: { at: (string | number)[]; message: string }[] = [];
  // What the record's policy kind needs given how the config is written (its definition says).
  const ctx = {
    ramp: config.health.failbackRamp !== undefined,
    endpoints: (region: string) =>
      config.regions
        .find((r) => r.id === region)
        ?.endpoints.filter((e) => addressFor(e, rec.type) !== undefined) ?? [],
  };
  for (const need of policyDefinitionOf(rec.policy.kind).needsFor?.(rec.policy, ctx) ?? []) {
    if (hasFeature(features, need.feature)) continue;
    if (need.given?.some((f) => !hasFeature(features, f))) continue;
    out.push({ at: need.at, message: needMessage(need, rec, zone, where) });
  }
  if (
    rec.type === 'CNAME' &&
    normaliseName(rec.name) === normaliseName(zone.name) &&
    !hasFeature(features, 'apexCname')
  ) {
    out.push({
      at: ['name'],
      message: `a CNAME cannot sit at the zone apex ${zone.name} on ${where} (it would sit beside the SOA and NS records); use an A record on Route 53 whose endpoints are aliases (endpoints[].alias with the target's hosted zone id), or Cloudflare (records mode flattens an apex CNAME), or A/AAAA records of the target's addresses, or put the CNAME on a name below the apex (www.${normaliseName(zone.name).replace(/\.$/, '')})`,
    });
  }
  out.push(...aliasProblems(config, zone, rec, features, where));
  out.push(...familyProblems(config, zone, rec, features, where));
  return out;
}

/** A/AAAA answers from dual-stack endpoints follow one family's health: the provider must write them so. */
function familyProblems(
  config: Config,
  zone: ZoneConfig,
  rec: RecordConfig,
  features: ProviderCapabilities,
  where: string,
): { at: (string | number)[]; message: string }[] {
  const family = familyOfType(rec.type);
  if (family === undefined || hasFeature(features, 'familyHealth')) return [];
  for (const region of policyRegions(rec.policy)) {
    const e = config.regions.find((x) => x.id === region)?.endpoints.find(probedPerFamily);
    if (e)
      return [
        {
          at: ['type'],
          message: `endpoint "${e.id}" of region "${region}" is dual-stack (addresses), so this ${rec.type} record must follow its ${familyName(family)} health alone, but ${where} cannot withdraw one address family of an endpoint on its own; put zone ${zone.name} on a provider that writes A and AAAA sets apart (e.g. Cloudflare records mode), or give the endpoint one \`address\``,
        },
      ];
  }
  return [];
}

/** Alias endpoints need a provider that writes aliases; one aimed at the zone's own hosted zone must name a record in it. */
function aliasProblems(
  config: Config,
  zone: ZoneConfig,
  rec: RecordConfig,
  features: ProviderCapabilities,
  where: string,
): { at: (string | number)[]; message: string }[] {
  const out: { at: (string | number)[]; message: string }[] = [];
  if (rec.type === 'CNAME') return out;
  const provider = config.providers[zone.provider];
  const ownZone =
    provider && 'hostedZoneId' in provider
      ? String(provider.hostedZoneId).replace(/^\/hostedzone\//, '')
      : undefined;
  for (const region of policyRegions(rec.policy)) {
    const r = config.regions.find((x) => x.id === region);
    for (const e of r?.endpoints ?? []) {
      if (!e.alias) continue;
      const at = ['policy', 'kind'];
      if (!hasFeature(features, 'alias')) {
        out.push({
          at,
          message: `endpoint "${e.id}" of region "${region}" is an alias (to ${e.address}), but ${where} cannot publish alias records; put zone ${zone.name} on route53, or publish the target as a CNAME on a name below the apex (or, at the apex, Cloudflare's CNAME flattening)`,
        });
        return out;
      }
      if (e.alias.hostedZoneId === ownZone && !inZone(e.address!, zone.name)) {
        out.push({
          at,
          message: `endpoint "${e.id}" is an alias into the zone's own hosted zone ${ownZone}, but its target ${e.address} is not in zone ${zone.name}; give the target's own hosted zone id (e.g. the load balancer's canonical hosted zone id)`,
        });
      }
    }
  }
  return out;
}
