// Load-balancer mode (pure): what a managed name's load balancer should look like, from config.
//   failover -> steering off, default_pools in failover order;
//   weighted -> random steering, pool_weights from the configured weights;
//   geo      -> geo steering, country_pools / region_pools from the rules, default_pools from the
//               default rule.
// The spec depends on config only; health moves pools and origins, never the load balancer.
import { type Config, type PolicyConfig, type RecordConfig, zoneProviders } from '../../src/config/index.ts';
import { bareName, geoSetId, normaliseName, UsageError } from '../../src/model/index.ts';
import { type CfLoadBalancer, CONTINENT_REGIONS, encodeWeight, ownedDescription } from './lb-model.ts';
import type { ZoneLookup } from './zone-config.ts';

export interface LbSpec {
  name: string;
  description: string;
  enabled: true;
  proxied: boolean;
  ttl?: number;
  steering_policy: 'off' | 'random' | 'geo';
  default_pools: string[];
  fallback_pool: string;
  region_pools: Record<string, string[]>;
  country_pools: Record<string, string[]>;
  random_steering?: { pool_weights: Record<string, number>; default_weight: number };
}

/** One geo rule as the load balancer holds it: which pool list answers for it. */
export interface RulePools {
  setId: string;
  /** Where the rule lives in the load balancer. */
  at: { kind: 'default' } | { kind: 'country'; key: string } | { kind: 'region'; keys: string[] };
  regions: string[];
}

export function geoRulePools(policy: Extract<PolicyConfig, { kind: 'geo' }>): RulePools[] {
  return policy.rules.map((rule) => {
    const setId = geoSetId(rule.match);
    if (rule.match === 'default') return { setId, at: { kind: 'default' }, regions: rule.regions };
    if (rule.match.country !== undefined) {
      return { setId, at: { kind: 'country', key: rule.match.country }, regions: rule.regions };
    }
    return {
      setId,
      at: { kind: 'region', keys: CONTINENT_REGIONS[rule.match.continent!] ?? [] },
      regions: rule.regions,
    };
  });
}

function defaultRegions(policy: PolicyConfig): string[] {
  if (policy.kind === 'failover') return [...policy.order];
  if (policy.kind === 'weighted') return Object.keys(policy.weights);
  if (policy.kind === 'geo') return policy.rules.find((r) => r.match === 'default')?.regions ?? [];
  // Latency and proximity never reach a load balancer: its declaration refuses them (steeredGeo).
  return [...policy.regions];
}

/** The config records of a name in load-balancer mode: one policy per name (A and AAAA share it). */
export function nameRecords(lookup: ZoneLookup, name: string): RecordConfig[] {
  return lookup.atName(name);
}

/** Problems config has in load-balancer mode; thrown once at adapter creation. */
export function checkLbConfig(config: Config, providerId: string, accountId: string | undefined): void {
  const problems: string[] = [];
  if (!accountId) problems.push('`accountId` is required (pools are account resources)');
  for (const zone of config.zones.filter((z) => zoneProviders(z).includes(providerId))) {
    const byName = new Map<string, RecordConfig[]>();
    for (const r of zone.records) {
      const n = normaliseName(r.name);
      byName.set(n, [...(byName.get(n) ?? []), r]);
    }
    for (const [name, recs] of byName) {
      const first = recs[0]!;
      for (const r of recs.slice(1)) {
        if (
          JSON.stringify(r.policy) !== JSON.stringify(first.policy) ||
          r.ttl !== first.ttl ||
          (r.proxied ?? false) !== (first.proxied ?? false)
        ) {
          problems.push(
            `${bareName(name)}: its ${first.type} and ${r.type} records must share policy, ttl and proxied (one load balancer answers both)`,
          );
        }
      }
      if (first.policy.kind === 'geo') {
        for (const rule of first.policy.rules) {
          if (rule.match === 'default') continue;
          if (rule.match.subdivision !== undefined)
            problems.push(
              `${bareName(name)}: Cloudflare load balancers cannot steer by subdivision (${geoSetId(rule.match)})`,
            );
          if (rule.match.continent === 'AN')
            problems.push(`${bareName(name)}: Cloudflare has no steering region for continent AN`);
        }
      }
      if (first.type === 'CNAME')
        problems.push(
          `${bareName(name)}: load-balancer mode publishes A/AAAA only; CNAME targets are not origins`,
        );
    }
  }
  if (problems.length > 0) {
    throw new UsageError(`cloudflare provider "${providerId}" (mode load-balancer): ${problems.join('; ')}`, {
      provider: providerId,
      remedy: 'fix these records, or use `mode: records` (failover only) or another provider for them',
    });
  }
}

/**
 * The load balancer a managed name should have, with pool ids looked up by region. `weights` (region →
 * 0-255) are the weights the plan wants now, where they differ from config: a weighted name's ramped
 * region, or a failover name during a failback ramp (random steering between the recovering region
 * and the one that carried the traffic).
 */
export function lbSpec(
  name: string,
  rec: RecordConfig,
  owner: string,
  poolId: (region: string) => string,
  weights?: Record<string, number>,
): LbSpec {
  const policy = rec.policy;
  const defaults = defaultRegions(policy).map(poolId);
  const proxied = rec.proxied ?? false;
  const spec: LbSpec = {
    name: bareName(normaliseName(name)),
    description: ownedDescription(owner),
    enabled: true,
    proxied,
    steering_policy: policy.kind === 'failover' ? 'off' : policy.kind === 'weighted' ? 'random' : 'geo',
    default_pools: defaults,
    fallback_pool: defaults[defaults.length - 1]!,
    region_pools: {},
    country_pools: {},
  };
  if (!proxied) spec.ttl = rec.ttl;
  if (policy.kind === 'weighted') {
    spec.random_steering = {
      default_weight: 0,
      pool_weights: Object.fromEntries(
        Object.entries(policy.weights).map(([r, w]) => [poolId(r), encodeWeight(weights?.[r] ?? w)]),
      ),
    };
  }
  if (policy.kind === 'failover' && weights && Object.keys(weights).length > 0) {
    spec.steering_policy = 'random';
    spec.random_steering = {
      default_weight: 0,
      pool_weights: Object.fromEntries(Object.entries(weights).map(([r, w]) => [poolId(r), encodeWeight(w)])),
    };
  }
  if (policy.kind === 'geo') {
    for (const rule of geoRulePools(policy)) {
      const pools = rule.regions.map(poolId);
      if (rule.at.kind === 'country') spec.country_pools[rule.at.key] = pools;
      if (rule.at.kind === 'region') for (const k of rule.at.keys) spec.region_pools[k] = pools;
    }
  }
  return spec;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b?.[i]);

function sameMap(a: Record<string, string[]> | undefined, b: Record<string, string[]> | undefined): boolean {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  return sameList(ka, kb) && ka.every((k) => sameList(a?.[k], b?.[k]));
}

/**
 * Does the load balancer already express the spec (fields we own; others are left alone)? With
 * `weights: false` (the read side, whose spec comes from config alone) pool weights are not compared,
 * and random steering stands for off: the planner sees weights and ramp steering in the sets.
 */
export function specMatches(lb: CfLoadBalancer, spec: LbSpec, opts: { weights?: boolean } = {}): boolean {
  const full = opts.weights !== false;
  const steering = lb.steering_policy || 'off';
  const weights = (x: Record<string, number> | undefined) =>
    JSON.stringify(Object.entries(x ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
  return (
    lb.description === spec.description &&
    lb.enabled !== false &&
    (lb.proxied ?? false) === spec.proxied &&
    (spec.ttl === undefined || lb.ttl === spec.ttl) &&
    (steering === spec.steering_policy ||
      (!full && spec.steering_policy === 'off' && steering === 'random')) &&
    sameList(lb.default_pools, spec.default_pools) &&
    lb.fallback_pool === spec.fallback_pool &&
    sameMap(lb.region_pools, spec.region_pools) &&
    sameMap(lb.country_pools, spec.country_pools) &&
    (!full ||
      spec.random_steering === undefined ||
      weights(lb.random_steering?.pool_weights) === weights(spec.random_steering.pool_weights))
  );
}
