// Load-balancer mode, endpoint weights (pure): a region whose endpoints carry different weights is
// one pool whose origins carry those weights (Cloudflare origin weights are 0-1, relative within the
// pool: each endpoint's weight over the region's largest). Policy publishes such a region as one
// weighted set per endpoint (`<region>/<endpoint>`); these helpers give the planner the same shape
// from what the pool holds, and tell apply which origins the desired sets turn on.
import type { RegionConfig } from '../../src/config/index.ts';
import {
  addressFor,
  endpointSetId,
  integerWeight,
  normaliseValue,
  type RecordSet,
  type RecordType,
} from '../../src/model/index.ts';
import type { CfPool } from './lb-model.ts';

/** The region's endpoints usable in this type, when their weights differ (else undefined: one set per region). */
export function weightedEndpoints(region: RegionConfig | undefined, type: RecordType) {
  const eps = (region?.endpoints ?? []).filter((e) => addressFor(e, type) !== undefined);
  return new Set(eps.map((e) => e.weight)).size > 1 ? eps : undefined;
}

/** The origin weight (0-1, four decimals) for an endpoint; 1 for regions whose endpoint weights are equal. */
export function originWeight(region: RegionConfig, endpointId: string): number {
  const max = Math.max(...region.endpoints.map((e) => e.weight));
  const w = region.endpoints.find((e) => e.id === endpointId)?.weight ?? 1;
  if (new Set(region.endpoints.map((e) => e.weight)).size <= 1 || max === 0) return 1;
  return Math.round((w / max) * 10_000) / 10_000;
}

/** Do the pool's origins carry the weights config gives them? */
export function originWeightsMatch(region: RegionConfig, pool: CfPool): boolean {
  return region.endpoints.every((e) => {
    const o = pool.origins.find((x) => x.name === e.id);
    return !o || (o.weight ?? 1) === originWeight(region, e.id);
  });
}

/**
 * The per-endpoint sets the pool answers as, in policy's shape: `regionWeight` (0 when the pool does
 * not serve) shared over the enabled origins (or every one, when `everyOrigin`: the fail-open case).
 */
export function endpointSets(
  name: string,
  type: RecordType,
  ttl: number,
  region: string,
  eps: NonNullable<ReturnType<typeof weightedEndpoints>>,
  pool: CfPool | undefined,
  regionWeight: number,
  everyOrigin: boolean,
): RecordSet[] {
  const on = (id: string) => everyOrigin || pool?.origins.find((o) => o.name === id)?.enabled !== false;
  const total = eps.filter((e) => on(e.id)).reduce((a, e) => a + e.weight, 0);
  return eps.map((e) => ({
    name,
    type,
    ttl,
    setId: endpointSetId(region, e.id),
    weight: total > 0 && on(e.id) ? integerWeight((regionWeight * e.weight) / total) : 0,
    values: [normaliseValue(type, addressFor(e, type)!)],
  }));
}
