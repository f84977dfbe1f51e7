// Load-balancer mode, read side (pure): pools + load balancers (+ plain DNS records) -> the RecordSets
// the planner sees, i.e. the answers the load balancers currently give, in the shape policy produces:
//   failover: the enabled origins of the first enabled pool (in default_pools order) that has one;
//             none -> every origin (fail-open, as policy's whenAllDown does);
//   weighted: one set per region (setId = region): an enabled pool gives its pool weight (0-1 back to
//             0-255) and enabled origins; a disabled one weight 0 and all origins; every pool disabled
//             -> configured weights and all origins (fail-open);
//   geo:      one set per rule (setId from the match) answered like failover over the rule's pools.
// A load balancer whose fields differ from the spec config implies is reported with ttl 0, so the
// planner schedules an update and apply() rewrites it.

import {
  geoLocation,
  markerRecord,
  normaliseName,
  normaliseRecord,
  type RecordSet,
  type RecordType,
  sortRecords,
} from '../../src/model/index.ts';
import {
  type CfLoadBalancer,
  type CfPool,
  decodeWeight,
  originValues,
  poolName,
  poolServes,
} from './lb-model.ts';
import { endpointSets, originWeightsMatch, weightedEndpoints } from './lb-origin-weights.ts';
import { geoRulePools, lbSpec, specMatches } from './lb-spec.ts';
import type { CfRecord } from './list.ts';
import { descriptionOwner } from './ownership.ts';
import { buildRecordsView } from './records-view.ts';
import type { ZoneLookup } from './zone-config.ts';

export const SPEC_MISMATCH_TTL = 0;

export interface LbState {
  pools: CfPool[];
  lbs: CfLoadBalancer[];
  dns: CfRecord[];
}

export interface LbView {
  sets: RecordSet[];
  /** Load balancers by normalised name. */
  lbByName: Map<string, CfLoadBalancer>;
  /** Plain DNS records (managed types) by normalised name. */
  dnsByName: Map<string, CfRecord[]>;
}

const TYPES: RecordType[] = ['A', 'AAAA'];

function answer(pools: readonly (CfPool | undefined)[], type: RecordType): string[] {
  const chosen = pools.find((p) => poolServes(p, type));
  if (chosen) return originValues(chosen, type, true);
  return [...new Set(pools.flatMap((p) => (p ? originValues(p, type, false) : [])))];
}

export function lbSets(
  lb: CfLoadBalancer,
  name: string,
  owner: string,
  pools: readonly CfPool[],
  lookup: ZoneLookup,
): RecordSet[] {
  const byId = new Map(pools.map((p) => [p.id, p]));
  const byRegion = (r: string) => pools.find((p) => p.name === poolName(owner, r));
  const ids = (list: readonly string[] | undefined) => (list ?? []).map((id) => byId.get(id));
  const recs = lookup.atName(name);
  const out: RecordSet[] = [];
  if (recs.length === 0) {
    // Not in config (an orphan): one plain set per type the origins hold, so the planner deletes it.
    const all = ids([...new Set([...lb.default_pools, lb.fallback_pool])]);
    for (const type of TYPES) {
      const values = [...new Set(all.flatMap((p) => (p ? originValues(p, type, false) : [])))];
      if (values.length > 0) out.push({ name, type, ttl: lb.ttl ?? 1, values });
    }
    return out.map(normaliseRecord);
  }
  for (const rec of recs) {
    const type = rec.type as RecordType;
    const spec = lbSpec(name, rec, owner, (r) => byRegion(r)?.id ?? '');
    const ttl = !specMatches(lb, spec, { weights: false })
      ? SPEC_MISMATCH_TTL
      : rec.proxied
        ? rec.ttl
        : (lb.ttl ?? rec.ttl);
    const policy = rec.policy;
    const rampSets =
      policy.kind === 'failover' && lb.steering_policy === 'random'
        ? policy.order.flatMap((region) => {
            // A failback ramp: the serving pools with a weight, as the weighted sets policy publishes.
            const pool = byRegion(region);
            const w = pool ? decodeWeight(lb.random_steering?.pool_weights?.[pool.id]) : 0;
            return pool && w > 0 && poolServes(pool, type)
              ? [{ name, type, ttl, setId: region, weight: w, values: originValues(pool, type, true) }]
              : [];
          })
        : [];
    if (policy.kind === 'failover' && rampSets.length > 0) {
      out.push(...rampSets);
    } else if (policy.kind === 'failover') {
      out.push({ name, type, ttl, values: answer(ids(lb.default_pools), type) });
    } else if (policy.kind === 'weighted') {
      const allOff = ids(lb.default_pools).every((p) => !p || p.enabled === false);
      for (const [region, configured] of Object.entries(policy.weights)) {
        const pool = byRegion(region);
        const cfgRegion = lookup.region(region);
        const eps = weightedEndpoints(cfgRegion, type);
        if (eps) {
          // Endpoint weights: one set per endpoint, as policy publishes them; origins whose weights
          // drifted from config read as a spec mismatch so apply rewrites the pool.
          const serves = !allOff && poolServes(pool, type);
          const w = allOff
            ? configured
            : serves
              ? decodeWeight(lb.random_steering?.pool_weights?.[pool!.id])
              : 0;
          const drift = pool && cfgRegion && !originWeightsMatch(cfgRegion, pool) ? SPEC_MISMATCH_TTL : ttl;
          out.push(...endpointSets(name, type, drift, region, eps, pool, w, allOff));
          continue;
        }
        const all = pool ? originValues(pool, type, false) : [];
        let weight: number;
        let values: string[];
        if (allOff) [weight, values] = [configured, all];
        else if (poolServes(pool, type))
          [weight, values] = [
            decodeWeight(lb.random_steering?.pool_weights?.[pool!.id]),
            originValues(pool!, type, true),
          ];
        else [weight, values] = [0, all];
        out.push({ name, type, setId: region, ttl, weight, values });
      }
    } else if (policy.kind === 'geo') {
      for (const [i, rule] of geoRulePools(policy).entries()) {
        const held =
          rule.at.kind === 'default'
            ? lb.default_pools
            : rule.at.kind === 'country'
              ? lb.country_pools?.[rule.at.key]
              : lb.region_pools?.[rule.at.keys[0]!];
        const list = held ? ids(held) : rule.regions.map(byRegion);
        const match = policy.rules[i]!.match;
        out.push({ name, type, setId: rule.setId, ttl, geo: geoLocation(match), values: answer(list, type) });
      }
    }
  }
  return out.map(normaliseRecord);
}

export function buildLbView(
  state: LbState,
  owner: string,
  queryNames: readonly string[],
  lookup: ZoneLookup,
): LbView {
  const query = new Set(queryNames.map(normaliseName));
  const lbByName = new Map(state.lbs.map((lb) => [normaliseName(lb.name), lb]));
  const sets: RecordSet[] = [];
  for (const [name, lb] of lbByName) {
    const who = descriptionOwner(lb.description);
    if (who !== undefined) sets.push(markerRecord(name, who));
    if (who === owner || query.has(name)) sets.push(...lbSets(lb, name, owner, state.pools, lookup));
  }
  // Plain records at names without a load balancer: ownership by tag, as in records mode (a zone
  // moving from records mode keeps its names; apply replaces their records with load balancers).
  const plain = state.dns.filter((r) => !lbByName.has(normaliseName(r.name)));
  const rv = buildRecordsView(plain, owner, queryNames, lookup);
  // Plain records where config wants a load balancer are never the desired state, even when they
  // answer the same: report them with ttl 0 so the plan carries an update and apply builds it.
  sets.push(
    ...rv.sets.map((r) =>
      r.type !== 'TXT' && lookup.atName(r.name).length > 0 ? { ...r, ttl: SPEC_MISMATCH_TTL } : r,
    ),
  );
  const dnsByName = new Map<string, CfRecord[]>();
  for (const r of state.dns) {
    if (!['A', 'AAAA', 'CNAME'].includes(r.type)) continue;
    const n = normaliseName(r.name);
    dnsByName.set(n, [...(dnsByName.get(n) ?? []), r]);
  }
  return { sets: sortRecords(sets), lbByName, dnsByName };
}
