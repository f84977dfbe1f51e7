// Traffic features a record needs from its zone's provider (endpoint weights, the failback ramp, a
// CNAME at the apex), checked against what the provider's definition says it supports
// (ProviderFeatures in providers/definition.ts): an error naming what to do instead, never a degrade.
import { isIP } from 'node:net';
import type { ProviderFeatures } from '../../providers/registry/index.ts';
import { normaliseName } from '../model/index.ts';
import type { Config, RecordConfig, ZoneConfig } from './schema.ts';

const WEIGHTING = 'route53 or builtin';

function usable(type: string, address: string): boolean {
  const f = isIP(address);
  return type === 'A' ? f === 4 : type === 'AAAA' ? f === 6 : f === 0;
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
  if (policy.kind === 'weighted' && !features.endpointWeights) {
    for (const region of Object.keys(policy.weights)) {
      const eps = config.regions
        .find((r) => r.id === region)
        ?.endpoints.filter((e) => usable(rec.type, e.address));
      if (!eps || new Set(eps.map((e) => e.weight)).size <= 1) continue;
      out.push({
        at: ['policy', 'weights', region],
        message: `region "${region}" weights its endpoints unequally (${eps.map((e) => `${e.id}: ${e.weight}`).join(', ')}), but ${where} cannot weight single endpoints; give them equal weights or put zone ${zone.name} on ${WEIGHTING}`,
      });
    }
  }
  const ramp = config.health.failbackRamp;
  if (ramp && (policy.kind === 'failover' || policy.kind === 'weighted') && !features.failbackRamp) {
    out.push({
      at: ['policy', 'kind'],
      message: `health.failbackRamp is set, but ${where} cannot publish the changing weights a ramp needs for this ${policy.kind} record; remove health.failbackRamp or put zone ${zone.name} on ${WEIGHTING}`,
    });
  }
  if (rec.type === 'CNAME' && normaliseName(rec.name) === normaliseName(zone.name) && !features.apexCname) {
    out.push({
      at: ['name'],
      message: `a CNAME cannot sit at the zone apex ${zone.name} on ${where} (it would sit beside the SOA and NS records); use Cloudflare (records mode flattens an apex CNAME), or publish A/AAAA records of the target's addresses, or put the CNAME on a name below the apex (www.${normaliseName(zone.name).replace(/\.$/, '')})`,
    });
  }
  return out;
}
