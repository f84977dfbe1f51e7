// Traffic features a record needs from its zone's provider (endpoint weights, the failback ramp, a
// CNAME at the apex), checked against what the provider's definition says it supports
// (ProviderFeatures in providers/definition.ts): an error naming what to do instead, never a degrade.
import { isIP } from 'node:net';
import type { ProviderFeatures } from '../../providers/registry/index.ts';
import { inZone, normaliseName } from '../model/index.ts';
import { policyRegions } from '../policy/kinds/index.ts';
import type { Config, RecordConfig, ZoneConfig } from './schema.ts';

const WEIGHTING = 'route53 or builtin';

function usable(type: string, address: string): boolean {
  const f = isIP(address);
  return type === 'A' ? f === 4 : type === 'AAAA' ? f === 6 : f === 0;
}

type Endpoint = Config['regions'][number]['endpoints'][number];

/** The regions of a weighted policy whose endpoints usable for this record type weigh unequally, in policy order. */
function unequalRegions(
  config: Config,
  type: string,
  weights: Record<string, number>,
): Map<string, Endpoint[]> {
  const out = new Map<string, Endpoint[]>();
  for (const region of Object.keys(weights)) {
    const eps = config.regions.find((r) => r.id === region)?.endpoints.filter((e) => usable(type, e.address));
    if (eps && new Set(eps.map((e) => e.weight)).size > 1) out.set(region, eps);
  }
  return out;
}

export function featureProblems(
  config: Config,
  zone: ZoneConfig,
  rec: RecordConfig,
  features: ProviderFeatures,
  where: string,
): { at: (string | number)[]; message: string }[] {
  const out: { at: (string | number)[]; message: string }[] = [];
  const policy = rec.policy;
  // Without weighted records at all, the provider's own check refuses the policy: one message is enough.
  if (policy.kind === 'weighted' && features.weighted && !features.endpointWeights) {
    for (const [region, eps] of unequalRegions(config, rec.type, policy.weights))
      out.push({
        at: ['policy', 'weights', region],
        message: `region "${region}" weights its endpoints unequally (${eps.map((e) => `${e.id}: ${e.weight}`).join(', ')}), but ${where} cannot weight single endpoints; give them equal weights or put zone ${zone.name} on ${WEIGHTING}`,
      });
  }
  const ramp = config.health.failbackRamp;
  if (ramp && policy.kind === 'weighted' && features.failbackRamp && !features.rampedEndpointWeights) {
    for (const region of unequalRegions(config, rec.type, policy.weights).keys())
      out.push({
        at: ['policy', 'weights', region],
        message: `region "${region}" weights its endpoints unequally and health.failbackRamp is set, but ${where} can ramp only whole regions; give the endpoints equal weights, or put zone ${zone.name} on ${WEIGHTING}`,
      });
  }
  if (
    ramp &&
    (policy.kind === 'failover' || (policy.kind === 'weighted' && features.weighted)) &&
    !features.failbackRamp
  ) {
    out.push({
      at: ['policy', 'kind'],
      message: `health.failbackRamp is set, but ${where} cannot publish the changing weights a ramp needs for this ${policy.kind} record; remove health.failbackRamp or put zone ${zone.name} on ${WEIGHTING}`,
    });
  }
  if (rec.type === 'CNAME' && normaliseName(rec.name) === normaliseName(zone.name) && !features.apexCname) {
    out.push({
      at: ['name'],
      message: `a CNAME cannot sit at the zone apex ${zone.name} on ${where} (it would sit beside the SOA and NS records); use an A record on Route 53 whose endpoints are aliases (endpoints[].alias with the target's hosted zone id), or Cloudflare (records mode flattens an apex CNAME), or A/AAAA records of the target's addresses, or put the CNAME on a name below the apex (www.${normaliseName(zone.name).replace(/\.$/, '')})`,
    });
  }
  out.push(...aliasProblems(config, zone, rec, features, where));
  return out;
}

/** Alias endpoints need a provider that writes aliases; one aimed at the zone's own hosted zone must name a record in it. */
function aliasProblems(
  config: Config,
  zone: ZoneConfig,
  rec: RecordConfig,
  features: ProviderFeatures,
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
      if (!features.alias) {
        out.push({
          at,
          message: `endpoint "${e.id}" of region "${region}" is an alias (to ${e.address}), but ${where} cannot publish alias records; put zone ${zone.name} on route53, or publish the target as a CNAME on a name below the apex (or, at the apex, Cloudflare's CNAME flattening)`,
        });
        return out;
      }
      if (e.alias.hostedZoneId === ownZone && !inZone(e.address, zone.name)) {
        out.push({
          at,
          message: `endpoint "${e.id}" is an alias into the zone's own hosted zone ${ownZone}, but its target ${e.address} is not in zone ${zone.name}; give the target's own hosted zone id (e.g. the load balancer's canonical hosted zone id)`,
        });
      }
    }
  }
  return out;
}
